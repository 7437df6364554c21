#include "detectors/monitors/quality_monitor.h"

#include <cmath>

#include "detectors/monitors/value_codec.h"

namespace driftd::detectors {
namespace {

NumericSummaryOptions Options(const config::ModelConfig& model) {
  NumericSummaryOptions o;
  o.exact_up_to = model.windows.exact_up_to;
  o.kll_k = static_cast<int>(model.windows.sketch_k);
  return o;
}

constexpr QualityMetric kClassifierMetrics[] = {QualityMetric::kAccuracy, QualityMetric::kPrecision,
                                                QualityMetric::kRecall, QualityMetric::kAuc,
                                                QualityMetric::kLogLoss};
constexpr QualityMetric kRegressionMetrics[] = {QualityMetric::kMae, QualityMetric::kRmse};

}  // namespace

QualityMonitor::QualityMonitor(const config::ModelConfig& model)
    : config_(model.quality),
      type_(model.prediction ? model.prediction->type : config::PredictionType::kScore),
      decision_threshold_(model.quality ? model.quality->decision_threshold : 0.5),
      join_(model.quality ? model.quality->label_timeout : Duration(std::chrono::hours(48)),
            model.quality ? model.quality->max_pending : 1000000),
      ring_(model.window, static_cast<int>(model.windows.panes),
            QualityAccumulator(Options(model))),
      reference_(model.reference, static_cast<int>(model.windows.panes),
                 QualityAccumulator(Options(model))) {
  if (config_) metric_ = ParseQualityMetric(config_->metric);
}

void QualityMonitor::ObservePrediction(const Event& event) {
  if (!config_ || !event.prediction) return;
  JoinPrediction p;
  p.score = event.score;
  if (!p.score) {
    if (const double* d = std::get_if<double>(&*event.prediction)) p.score = *d;
  }
  if (type_ == config::PredictionType::kClass) {
    p.predicted = BinaryOf(*event.prediction);
  } else if (type_ == config::PredictionType::kScore && p.score && std::isfinite(*p.score)) {
    p.predicted = *p.score >= decision_threshold_ ? 1 : 0;
  }
  if (auto pair = join_.AddPrediction(event.id, event.ts, p)) Credit(*pair);
  Expire(event.ts);
}

void QualityMonitor::ObserveLabel(const Event& event) {
  if (!config_ || !event.label) return;
  if (auto pair = join_.AddLabel(event.id, event.ts, *event.label)) Credit(*pair);
  Expire(event.ts);
}

void QualityMonitor::Expire(Timestamp ts) {
  if (watermark_ && ts <= *watermark_) return;
  watermark_ = ts;
  join_.Expire(ts);
}

void QualityMonitor::Credit(const JoinedPair& pair) {
  // The later of the two times: for an early label, the prediction's.
  const Timestamp at = std::max(pair.label_ts, pair.prediction_ts);
  if (regression()) {
    const std::optional<double> label = NumericOf(pair.label);
    if (!label || !pair.prediction.score) {
      ++unusable_labels_;
      return;
    }
    for (QualityAccumulator* q : {ring_.Slot(at), reference_.Slot(at)}) {
      if (q != nullptr) q->AddRegression(*label, *pair.prediction.score);
    }
    return;
  }
  const std::optional<int> label = BinaryOf(pair.label);
  if (!label || !pair.prediction.predicted) {
    ++unusable_labels_;
    return;
  }
  for (QualityAccumulator* q : {ring_.Slot(at), reference_.Slot(at)}) {
    if (q != nullptr) q->AddBinary(*label, *pair.prediction.predicted, pair.prediction.score);
  }
}

void QualityMonitor::AdvanceTo(Timestamp now) {
  ring_.AdvanceTo(now);
  reference_.AdvanceTo(now);
}

std::vector<std::pair<std::string, double>> QualityMonitor::WindowMetrics() const {
  std::vector<std::pair<std::string, double>> out;
  if (!config_) return out;
  const QualityAccumulator w = ring_.Merged();
  if (regression()) {
    for (QualityMetric m : kRegressionMetrics) {
      if (auto v = w.Value(m)) out.emplace_back(QualityMetricName(m), *v);
    }
  } else {
    for (QualityMetric m : kClassifierMetrics) {
      if (auto v = w.Value(m)) out.emplace_back(QualityMetricName(m), *v);
    }
  }
  return out;
}

std::vector<Finding> QualityMonitor::Evaluate(const FindingBase& base,
                                              std::uint64_t min_samples) const {
  std::vector<Finding> out;
  if (!config_) return out;
  const std::string name = config_->metric;
  if (!metric_) {
    out.push_back(MakeFinding(base, Check::kQualityRegression, name, "floor", 0, 0, false, false, 0,
                              "unknown quality metric " + name));
    return out;
  }
  const QualityMetric m = *metric_;
  const QualityAccumulator w = ring_.Merged();
  const std::uint64_t n = w.Count(m);
  const std::optional<double> value = w.Value(m);
  const bool judged = value.has_value() && n >= min_samples && n > 0;
  const double v = value.value_or(0.0);
  const bool higher = HigherIsBetter(m);
  const std::optional<double> limit = higher ? config_->min : config_->max;
  if (limit) {
    Finding f = MakeFinding(base, Check::kQualityRegression, name, higher ? "floor" : "ceiling", v,
                            *limit, higher ? v < *limit : v > *limit, judged, n,
                            name + " " + FormatNumber(v) + " over " + std::to_string(n) +
                                " labelled predictions (" + (higher ? "floor " : "ceiling ") +
                                FormatNumber(*limit) + ")");
    f.mode = w.Mode(m);
    out.push_back(std::move(f));
  }
  if (config_->max_drop) {
    const QualityAccumulator ref = reference_.Get();
    const std::optional<double> rv = ref.Value(m);
    const double drop = rv ? (higher ? *rv - v : v - *rv) : 0.0;
    Finding f = MakeFinding(
        base, Check::kQualityRegression, name, "drop", drop, *config_->max_drop,
        drop > *config_->max_drop,
        judged && rv.has_value() && reference_.Ready() && ref.Count(m) >= min_samples, n,
        name + " " + FormatNumber(v) + " vs reference " + FormatNumber(rv.value_or(0.0)) +
            " (allowed " + (higher ? "drop " : "rise ") + FormatNumber(*config_->max_drop) + ")");
    f.reference_samples = ref.Count(m);
    // Either side in sketch mode makes the difference approximate.
    const bool sketch =
        std::string_view(w.Mode(m)) == "sketch" || std::string_view(ref.Mode(m)) == "sketch";
    f.mode = sketch ? "sketch" : "exact";
    out.push_back(std::move(f));
  }
  return out;
}

void QualityMonitor::AppendTo(std::string* out) const {
  join_.AppendTo(out);
  ring_.AppendTo(out);
  reference_.AppendTo(out);
  bytes::AppendU64(out, unusable_labels_);
  bytes::AppendU8(out, watermark_ ? 1 : 0);
  codec::AppendTimestamp(out, watermark_.value_or(Timestamp{}));
}

bool QualityMonitor::ParseFrom(std::string_view* in) {
  std::uint8_t has = 0;
  Timestamp watermark;
  if (!join_.ParseFrom(in) || !ring_.ParseFrom(in) || !reference_.ParseFrom(in) ||
      !bytes::ReadU64(in, &unusable_labels_) || !bytes::ReadU8(in, &has) ||
      !codec::ReadTimestamp(in, &watermark)) {
    return false;
  }
  watermark_ = has != 0 ? std::optional<Timestamp>(watermark) : std::nullopt;
  return true;
}

}  // namespace driftd::detectors
