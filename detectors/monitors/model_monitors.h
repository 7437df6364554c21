// ModelMonitors: the seven ML Test Score monitoring items of one model
// (DESIGN.md section 2) behind one facade, for the pipeline's model state.
//
//   M1 DependencyTracker    M2 InvariantMonitor    M3 (drift evaluator)
//   M4 StalenessMonitor     M5 StabilityMonitor    M6 PerformanceMonitor
//   M7 QualityMonitor (+ PredictionDrift from the drift evaluator)
//
// Observe(event) is the hot path: a few counter updates, one hash lookup per
// feature name, and for predictions a latency sketch update and a label-join
// insert; no allocation for known feature names once the panes have grown.
// Evaluate(now) advances every window to `now` (so a silent model's windows
// drain and its silence is measured on the clock), returns the findings of
// the configured checks, and keeps them for Scorecard(). Nothing here reads
// a clock or does I/O.
//
// Which items are configured (score = their count):
//   M1 always; M2 and M3 when the model has [features]; M4 with
//   max_model_age or max_silence; M5 with features or [prediction];
//   M6 with [latency]; M7 with [quality] or [prediction].
//
// Checkpoints: AppendTo / ParseFrom carry all window and join state plus a
// fingerprint of the config parts that shape it; ParseFrom refuses (false)
// state written under a different shape, and the caller starts afresh.
//
// Thread-safety: none; one owner (the ingest thread). Scorecard() and
// Snapshot() return values for other threads.
#ifndef DRIFTD_DETECTORS_MONITORS_MODEL_MONITORS_H_
#define DRIFTD_DETECTORS_MONITORS_MODEL_MONITORS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "detectors/event.h"
#include "detectors/finding.h"
#include "detectors/monitors/dependency_tracker.h"
#include "detectors/monitors/invariants.h"
#include "detectors/monitors/performance.h"
#include "detectors/monitors/quality_monitor.h"
#include "detectors/monitors/scorecard.h"
#include "detectors/monitors/snapshot.h"
#include "detectors/monitors/stability.h"
#include "detectors/monitors/staleness.h"

namespace driftd::detectors {

class ModelMonitors {
 public:
  // `configured_trained_at`: the model's trained_at setting, parsed by the
  // caller (RFC 3339); `started_at`: when monitoring began (DataSilent's
  // origin before the first event).
  ModelMonitors(const config::ModelConfig& model, Timestamp started_at,
                std::optional<Timestamp> configured_trained_at = std::nullopt);

  void Observe(const Event& event);
  std::vector<Finding> Evaluate(Timestamp now);

  // The scorecard of the last Evaluate, with the drift evaluator's findings
  // of this model (FeatureDrift, DatasetDrift, PredictionDrift).
  ModelScorecard Scorecard(std::span<const Finding> drift_findings = {}) const;
  // Metric values as of `now` (model age) and the last Evaluate.
  MonitorSnapshot Snapshot(Timestamp now) const;

  const std::array<bool, kItemCount>& configured() const { return configured_; }
  const DependencyTracker& dependencies() const { return dependencies_; }
  const QualityMonitor& quality() const { return quality_; }
  std::optional<Timestamp> last_evaluated() const { return last_evaluated_; }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::string model_;
  std::uint64_t min_samples_;
  Duration window_;
  std::uint64_t fingerprint_;
  std::array<bool, kItemCount> configured_{};
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> feature_index_;
  std::vector<bool> numeric_;
  std::vector<bool> seen_;
  DependencyTracker dependencies_;
  InvariantMonitor invariants_;
  StalenessMonitor staleness_;
  StabilityMonitor stability_;
  PerformanceMonitor performance_;
  QualityMonitor quality_;
  std::vector<Finding> last_findings_;
  std::optional<Timestamp> last_evaluated_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_MODEL_MONITORS_H_
