// QualityMonitor (M7, "prediction quality has not regressed").
//
// Predictions with an id wait in a LabelJoin for their label; each joined
// pair is credited to the pane of the label's event time (the window holds
// the labels that arrived recently, which is when quality can be known) and
// to the reference period. From the joined pairs of the window it computes
// every metric of QualityAccumulator that applies to the model:
//   classifiers (prediction type score or class; labels 0/1 per BinaryOf)
//     accuracy, precision, recall; with a score also auc and logloss.
//     The predicted class is BinaryOf(prediction) for type class, else
//     score >= decision_threshold. The score is the event's score, else
//     its numeric prediction.
//   regressors (prediction type regression): mae, rmse.
// The configured metric is judged (QualityRegression) from min_samples
// pairs: against `min` (higher-is-better metrics) or `max` (lower-is-better),
// and against the reference period: a drop of more than max_drop (a rise,
// for lower-is-better metrics) fails. Labels that cannot be read (not 0/1,
// not numeric) are counted as unusable.
//
// Pending predictions expire in event time: when the model's newest event is
// label_timeout past them. The clock is not used for expiry because labels
// arrive only through the stream: a consumer that lags (a replay, Kafka lag)
// must not give up on labels still in its backlog. A silent model keeps its
// pending set (capped by max_pending); M4's DataSilent reports the silence.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_QUALITY_MONITOR_H_
#define DRIFTD_DETECTORS_MONITORS_QUALITY_MONITOR_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "detectors/event.h"
#include "detectors/finding.h"
#include "detectors/monitors/label_join.h"
#include "detectors/monitors/monitor_common.h"
#include "detectors/monitors/pane_ring.h"
#include "detectors/monitors/quality_metrics.h"
#include "detectors/monitors/reference_period.h"

namespace driftd::detectors {

class QualityMonitor {
 public:
  explicit QualityMonitor(const config::ModelConfig& model);

  void ObservePrediction(const Event& event);
  void ObserveLabel(const Event& event);
  // Drains the window on the clock (expiry stays in event time).
  void AdvanceTo(Timestamp now);

  std::vector<Finding> Evaluate(const FindingBase& base, std::uint64_t min_samples) const;

  // Every applicable metric over the current window: (name, value).
  std::vector<std::pair<std::string, double>> WindowMetrics() const;
  bool configured() const { return config_.has_value(); }
  const LabelJoin& join() const { return join_; }
  std::uint64_t unusable_labels() const { return unusable_labels_; }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  void Credit(const JoinedPair& pair);
  // Expires the join at event time ts when it is the newest seen.
  void Expire(Timestamp ts);
  bool regression() const { return type_ == config::PredictionType::kRegression; }

  std::optional<config::QualityConfig> config_;
  std::optional<QualityMetric> metric_;
  config::PredictionType type_;
  double decision_threshold_;
  LabelJoin join_;
  PaneRing<QualityAccumulator> ring_;
  ReferencePeriod<QualityAccumulator> reference_;
  std::uint64_t unusable_labels_ = 0;
  std::optional<Timestamp> watermark_;  // newest event time seen
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_QUALITY_MONITOR_H_
