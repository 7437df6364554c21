// The daemon side of the ML Test Score monitors (detectors/monitors): makes
// each model's ModelMonitors, runs them on the evaluation tick, combines
// their scorecard with the drift evaluator's findings (M3, and M7's
// label-free half), and serves GET /api/v1/scorecard and the monitoring
// metrics (through MonitoringProbe).
//
// Wiring (see docs/ml-test-score.md):
//   Pipeline::BuildModels   state.monitors = MakeModelMonitors(model, now, old monitors)
//   Pipeline::Handle        state.monitors->Observe(event)
//   evaluation tick         hub.Publish(EvaluateMonitors(*state.monitors, now)) per
//                           model, on the ingest thread; hand .evaluation to alerting
//   Evaluator listener      hub.OnDriftEvaluation(evaluation)
//   HTTP                    /api/v1/scorecard -> hub.ScorecardJson(now)
#ifndef DRIFTD_DAEMON_MONITORING_H_
#define DRIFTD_DAEMON_MONITORING_H_

#include <boost/json/value.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/monitoring_probe.h"
#include "detectors/finding.h"
#include "detectors/monitors/model_monitors.h"

namespace driftd {

// The model's trained_at setting as a time; nullopt when unset or not RFC
// 3339 (config validation reports the latter).
std::optional<Timestamp> ConfiguredTrainedAt(const config::ModelConfig& model);

// A model's monitors, carrying the state of `previous` over when it has the
// same shape (same windows and features; see ModelMonitors::ParseFrom), e.g.
// across a reload that changed only thresholds.
std::unique_ptr<detectors::ModelMonitors> MakeModelMonitors(
    const config::ModelConfig& model, Timestamp now, const detectors::ModelMonitors* previous);

// What one evaluation of one model's monitors produced.
struct MonitorRound {
  ModelEvaluation evaluation;  // the findings, for alerting
  detectors::ModelScorecard scorecard;
  detectors::MonitorSnapshot snapshot;
};

// Runs monitors.Evaluate(now) and gathers its scorecard and metrics.
MonitorRound EvaluateMonitors(detectors::ModelMonitors& monitors, Timestamp now);

// GET /api/v1/scorecard's body (format in docs/ml-test-score.md).
std::string ScorecardJson(const std::vector<detectors::ModelScorecard>& cards, Timestamp now);
// One scorecard as JSON; also used for the status API's recent changes.
boost::json::value ScorecardToJson(const detectors::ModelScorecard& card);
boost::json::array ChangesToJson(const std::vector<detectors::DependencyChange>& changes);

// Latest monitoring results per model, shared between the ingest thread
// (Publish), the evaluator thread (OnDriftEvaluation) and HTTP (Scorecards).
// Thread-safety: every method may be called from any thread.
class MonitoringHub {
 public:
  explicit MonitoringHub(MonitoringProbe& probe) : probe_(probe) {}
  MonitoringHub(const MonitoringHub&) = delete;
  MonitoringHub& operator=(const MonitoringHub&) = delete;

  // Stores the round's scorecard (combined with the model's latest drift
  // findings) and publishes its metrics.
  void Publish(const MonitorRound& round);
  // Keeps FeatureDrift, DatasetDrift and PredictionDrift findings of the
  // evaluation (replacing the model's previous ones) and republishes the
  // item statuses.
  void OnDriftEvaluation(const ModelEvaluation& evaluation);
  // Forgets models not in `models` (after a reload), in metrics too.
  void Retain(const std::vector<std::string>& models);

  // Combined scorecards, in the order models were first published.
  std::vector<detectors::ModelScorecard> Scorecards() const;
  std::string ScorecardJson(Timestamp now) const;

 private:
  struct Entry {
    std::string model;
    std::optional<detectors::ModelScorecard> own;
    std::optional<detectors::MonitorSnapshot> snapshot;
    std::vector<Finding> drift;
  };
  Entry& EntryOf(const std::string& model);  // REQUIRES: mu_ held
  void PublishLocked(const Entry& entry);    // REQUIRES: mu_ held

  MonitoringProbe& probe_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // guarded by mu_
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_MONITORING_H_
