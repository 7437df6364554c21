// What one drift evaluation concludes per model, as plain values, and the
// probe through which the evaluator reports it to the metrics
// (daemon/metrics.h implements it; tests pass fakes).
#ifndef DRIFTD_DAEMON_EVALUATION_PROBE_H_
#define DRIFTD_DAEMON_EVALUATION_PROBE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detectors/time.h"

namespace driftd {

// One column's verdict (a feature, or the prediction).
struct ColumnDrift {
  std::string column;          // feature name, or "prediction"
  bool is_prediction = false;
  std::string test;            // "ks", "wasserstein", "jensenshannon", ...
  double statistic = 0.0;      // the test's statistic (D, distance, chi2, ...)
  std::optional<double> p_value;           // raw; p-value tests in exact mode
  std::optional<double> adjusted_p_value;  // after the model's correction
  std::optional<double> effect_size;
  double threshold = 0.0;      // compared with the p-value for p-value tests
  bool drifted = false;
  bool judged = false;         // false below min_samples or without a reference
  std::string mode;            // "exact" or "sketch"; empty when not judged
  std::uint64_t samples = 0;            // current window, finite or categorical values
  std::uint64_t reference_samples = 0;
  std::string note;            // why not judged, or how judged
};

// One model's drift at one evaluation.
struct ModelDrift {
  std::string model;
  Timestamp evaluated_at{};
  std::string not_judged_reason;  // set when the model could not be evaluated at all
  std::vector<ColumnDrift> columns;  // features in config order, then the prediction
  double dataset_drift_share = 0.0;  // drifted / judged features
  double drift_share_threshold = 0.0;
  bool dataset_drift = false;
  std::uint64_t judged_features = 0;
  std::uint64_t current_samples = 0;    // events in the current window
  std::uint64_t reference_samples = 0;  // events in the reference
  double duration_seconds = 0.0;        // to evaluate this model
};

// Thread-safety: all methods may be called from any thread.
class EvaluationProbe {
 public:
  virtual ~EvaluationProbe() = default;
  // Publishes one model's results: driftd_feature_drift_score and
  // driftd_feature_drift_p_value{model,feature,test} for judged columns
  // (p-value only where there is one), driftd_feature_drifted{model,feature}
  // for every column (0 when not judged), driftd_dataset_drift_share{model}
  // when a feature was judged, driftd_window_samples{model,window} for
  // window = current and reference. The model's series not set by this call
  // (a column no longer judged, a test that changed) are removed.
  virtual void ModelEvaluated(const ModelDrift& drift) = 0;
  // Removes every drift series of models not in `models` (after a reload).
  virtual void RetainDriftModels(const std::vector<std::string>& models) = 0;
  // driftd_evaluation_duration_seconds: one observation per evaluation round.
  virtual void ObserveEvaluationDuration(double seconds) = 0;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_EVALUATION_PROBE_H_
