// What an evaluation concludes about one check of one model: the value type
// that flows from detectors/ to metrics, the status API and alerts/.
#ifndef DRIFTD_DETECTORS_FINDING_H_
#define DRIFTD_DETECTORS_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detectors/time.h"

namespace driftd {

// The kinds of check; each maps to one alert name (DESIGN.md section 9).
enum class Check {
  kFeatureDrift,        // FeatureDrift, M3
  kPredictionDrift,     // PredictionDrift, M7 (label-free signal)
  kDatasetDrift,        // DatasetDrift, M3
  kInvariantViolated,   // DataInvariantViolated, M2
  kModelStale,          // ModelStale, M4
  kDataSilent,          // DataSilent, M4
  kNonFinite,           // NonFinitePredictions, M5
  kLatencyRegression,   // LatencyRegression, M6
  kThroughputDrop,      // ThroughputDrop, M6
  kQualityRegression,   // QualityRegression, M7
  kDependencyChanged,   // DependencyChanged, M1
};
inline constexpr int kCheckCount = 11;

// "FeatureDrift", "PredictionDrift", ...: the alertname.
const char* CheckAlertName(Check check);
// "M1".."M7".
const char* CheckItem(Check check);

struct Finding {
  std::string model;
  Check check = Check::kFeatureDrift;
  std::string subject;   // feature, rule, metric or quantile; empty when none
  bool failing = false;  // the condition holds (drifted, stale, below floor, ...)
  bool judged = true;    // false below min_samples: nothing concluded
  std::string test;      // statistic's name: "ks", "psi", "p99", "auc", "age", ...
  double statistic = 0;  // the number compared with the threshold
  double threshold = 0;
  std::optional<double> p_value;
  std::uint64_t samples = 0;            // current window
  std::uint64_t reference_samples = 0;  // reference, where there is one
  std::string mode;                     // "exact" or "sketch", where it applies
  std::string details;                  // one human-readable sentence
  Timestamp evaluated_at{};
  Duration window{};  // current window length, where there is one
};

// All findings of one evaluation of one model.
struct ModelEvaluation {
  std::string model;
  Timestamp evaluated_at{};
  std::vector<Finding> findings;
};

}  // namespace driftd

#endif  // DRIFTD_DETECTORS_FINDING_H_
