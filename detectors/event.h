// The decoded event: what every source delivers to the pipeline, whatever the
// wire schema (DESIGN.md section 4). A plain value type.
#ifndef DRIFTD_DETECTORS_EVENT_H_
#define DRIFTD_DETECTORS_EVENT_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "detectors/time.h"

namespace driftd {

enum class EventKind { kPrediction, kInput, kLabel, kModel };
inline constexpr int kEventKindCount = 4;

// "prediction", "input", "label", "model".
const char* EventKindName(EventKind kind);

// A feature, prediction or label value: JSON null (missing), a number, or a
// string (category). Booleans decode to the numbers 0 and 1.
struct Missing {
  bool operator==(const Missing&) const = default;
};
using Value = std::variant<Missing, double, std::string>;

struct Feature {
  std::string name;
  Value value;
};

struct Event {
  EventKind kind = EventKind::kPrediction;
  std::string model;
  std::string model_version;  // empty when absent
  std::string id;             // empty when absent; joins labels to predictions
  Timestamp ts{};
  std::vector<Feature> features;      // in the order they appeared
  std::optional<Value> prediction;    // number or class label
  std::optional<double> score;        // from {"label": ..., "score": ...} predictions
  std::optional<double> latency_ms;
  std::optional<Value> label;
  // Model events only.
  std::optional<Timestamp> trained_at;
  std::optional<Timestamp> deployed_at;
  std::optional<std::vector<std::pair<std::string, std::string>>> dependencies;
};

}  // namespace driftd

#endif  // DRIFTD_DETECTORS_EVENT_H_
