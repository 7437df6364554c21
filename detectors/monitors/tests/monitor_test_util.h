// Builders shared by the monitors' tests: a model config with sensible test
// defaults, and events.
#ifndef DRIFTD_DETECTORS_MONITORS_TESTS_MONITOR_TEST_UTIL_H_
#define DRIFTD_DETECTORS_MONITORS_TESTS_MONITOR_TEST_UTIL_H_

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "detectors/event.h"
#include "detectors/finding.h"
#include "fake_clock.h"

namespace driftd::detectors::testutil {

using namespace std::chrono_literals;

// One hour window of 60 panes, min_samples 10, no item-specific settings.
inline config::ModelConfig BaseModel() {
  config::ModelConfig m;
  m.name = "fraud";
  m.window = 1h;
  m.windows.panes = 60;
  m.min_samples = 10;
  return m;
}

inline config::FeatureConfig NumericFeature(std::string name) {
  config::FeatureConfig f;
  f.name = std::move(name);
  return f;
}

inline config::FeatureConfig CategoricalFeature(std::string name, std::vector<std::string> values) {
  config::FeatureConfig f;
  f.name = std::move(name);
  f.type = config::FeatureType::kCategorical;
  f.values = std::move(values);
  return f;
}

inline Event Prediction(Timestamp ts, double score, std::vector<Feature> features = {},
                        std::string id = "", std::optional<double> latency_ms = std::nullopt) {
  Event e;
  e.kind = EventKind::kPrediction;
  e.model = "fraud";
  e.ts = ts;
  e.id = std::move(id);
  e.prediction = score;
  e.features = std::move(features);
  e.latency_ms = latency_ms;
  return e;
}

inline Event Label(Timestamp ts, std::string id, Value label) {
  Event e;
  e.kind = EventKind::kLabel;
  e.model = "fraud";
  e.ts = ts;
  e.id = std::move(id);
  e.label = std::move(label);
  return e;
}

inline Event ModelEvent(Timestamp ts, std::string version,
                        std::vector<std::pair<std::string, std::string>> deps = {}) {
  Event e;
  e.kind = EventKind::kModel;
  e.model = "fraud";
  e.ts = ts;
  e.model_version = std::move(version);
  if (!deps.empty()) e.dependencies = std::move(deps);
  return e;
}

// The findings of `check` (and `subject`, when given).
inline std::vector<Finding> Of(const std::vector<Finding>& all, Check check,
                               const std::string& subject = "*") {
  std::vector<Finding> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const Finding& f) {
    return f.check == check && (subject == "*" || f.subject == subject);
  });
  return out;
}

// The finding of (check, subject, test), or nullptr.
inline const Finding* One(const std::vector<Finding>& all, Check check, const std::string& subject,
                          const std::string& test) {
  for (const Finding& f : all) {
    if (f.check == check && f.subject == subject && f.test == test) return &f;
  }
  return nullptr;
}

}  // namespace driftd::detectors::testutil

#endif  // DRIFTD_DETECTORS_MONITORS_TESTS_MONITOR_TEST_UTIL_H_
