#include "detectors/monitors/model_monitors.h"

#include <charconv>
#include <cmath>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

// FNV-1a over the config values that shape the saved state (window geometry,
// features and their kinds, reference type), so a checkpoint is never
// applied to windows of another shape.
std::uint64_t Fingerprint(const config::ModelConfig& m) {
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  mix(std::to_string(m.window.count()));
  mix(std::to_string(m.windows.panes));
  mix(std::to_string(m.windows.exact_up_to));
  mix(std::to_string(m.windows.sketch_k));
  mix(std::to_string(static_cast<int>(m.reference.type)));
  mix(std::to_string(m.reference.window.count()) + "/" + std::to_string(m.reference.lag.count()));
  for (const auto& f : m.features) {
    mix(f.name);
    mix(f.type == config::FeatureType::kNumeric ? "n" : "c");
  }
  mix(m.prediction && m.prediction->min_distinct ? std::to_string(*m.prediction->min_distinct)
                                                 : "-");
  return h;
}

std::string QuantileLabel(double q) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), q);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

}  // namespace

ModelMonitors::ModelMonitors(const config::ModelConfig& model, Timestamp started_at,
                             std::optional<Timestamp> configured_trained_at)
    : model_(model.name),
      min_samples_(model.min_samples),
      window_(model.window),
      fingerprint_(Fingerprint(model)),
      dependencies_(model.window),
      invariants_(model),
      staleness_(model.max_model_age, model.max_silence, configured_trained_at, started_at),
      stability_(model),
      performance_(model),
      quality_(model) {
  for (std::size_t i = 0; i < model.features.size(); ++i) {
    feature_index_.emplace(model.features[i].name, i);
    numeric_.push_back(model.features[i].type == config::FeatureType::kNumeric);
  }
  seen_.assign(model.features.size(), false);
  const bool features = !model.features.empty();
  configured_ = {true,
                 features,
                 features,
                 model.max_model_age.has_value() || model.max_silence.has_value(),
                 features || model.prediction.has_value(),
                 model.latency.has_value(),
                 model.quality.has_value() || model.prediction.has_value()};
}

void ModelMonitors::Observe(const Event& event) {
  staleness_.ObserveEvent(event.ts);
  switch (event.kind) {
    case EventKind::kModel:
      dependencies_.ObserveModelEvent(event);
      return;
    case EventKind::kLabel:
      quality_.ObserveLabel(event);
      return;
    case EventKind::kPrediction:
    case EventKind::kInput:
      break;
  }
  if (event.kind == EventKind::kPrediction)
    dependencies_.ObservePredictionVersion(event.model_version);
  dependencies_.BeginFeatureEvent();
  invariants_.Begin(event.ts);
  for (const Feature& f : event.features) {
    auto it = feature_index_.find(std::string_view(f.name));
    if (it == feature_index_.end()) {
      invariants_.ObserveUnconfigured();
      dependencies_.NoteFeatureName(f.name, event.ts);
      continue;
    }
    const std::size_t i = it->second;
    invariants_.ObserveValue(i, f.value);
    if (numeric_[i]) {
      if (const std::optional<double> x = NumericOf(f.value); x && !std::isfinite(*x)) {
        stability_.ObserveFeature(event.ts, i, *x);
      }
    }
    if (!seen_[i]) {
      seen_[i] = true;
      dependencies_.NoteFeatureName(f.name, event.ts);
    }
  }
  invariants_.End();
  if (event.kind != EventKind::kPrediction) return;
  std::optional<double> value = event.score;
  if (!value && event.prediction) value = NumericOf(*event.prediction);
  stability_.ObservePrediction(event.ts, value);
  performance_.ObservePrediction(event.ts, event.latency_ms);
  quality_.ObservePrediction(event);
}

std::vector<Finding> ModelMonitors::Evaluate(Timestamp now) {
  invariants_.AdvanceTo(now);
  stability_.AdvanceTo(now);
  performance_.AdvanceTo(now);
  quality_.AdvanceTo(now);
  const FindingBase base{model_, now, window_};
  std::vector<Finding> out = dependencies_.Evaluate(base);
  const auto append = [&out](std::vector<Finding> more) {
    for (Finding& f : more) out.push_back(std::move(f));
  };
  if (configured_[1]) append(invariants_.Evaluate(base, min_samples_));
  if (configured_[3]) append(staleness_.Evaluate(base, dependencies_.trained_at()));
  if (configured_[4]) append(stability_.Evaluate(base, min_samples_));
  if (configured_[5]) append(performance_.Evaluate(base, min_samples_));
  if (configured_[6]) append(quality_.Evaluate(base, min_samples_));
  last_findings_ = out;
  last_evaluated_ = now;
  return out;
}

ModelScorecard ModelMonitors::Scorecard(std::span<const Finding> drift_findings) const {
  ScorecardInputs in;
  in.model = model_;
  in.version = dependencies_.version();
  in.evaluated_at = last_evaluated_.value_or(Timestamp{});
  in.configured = configured_;
  in.own = last_findings_;
  in.drift = drift_findings;
  in.changes.assign(dependencies_.changes().begin(), dependencies_.changes().end());
  in.numbers[1].emplace_back("unconfigured_feature_events",
                             static_cast<double>(invariants_.unconfigured_total()));
  const LabelJoinCounters& c = quality_.join().counters();
  auto& q = in.numbers[6];
  for (const auto& [name, v] : quality_.WindowMetrics()) q.emplace_back(name, v);
  q.emplace_back("labels_joined", static_cast<double>(c.joined));
  q.emplace_back("predictions_pending", static_cast<double>(quality_.join().pending_predictions()));
  q.emplace_back("labels_pending", static_cast<double>(quality_.join().pending_labels()));
  q.emplace_back("predictions_expired", static_cast<double>(c.expired_predictions));
  q.emplace_back("predictions_evicted", static_cast<double>(c.evicted_predictions));
  q.emplace_back("labels_early", static_cast<double>(c.early_labels));
  q.emplace_back("labels_orphaned", static_cast<double>(c.orphaned_labels));
  q.emplace_back("labels_duplicate", static_cast<double>(c.duplicate_labels));
  q.emplace_back("labels_unusable", static_cast<double>(quality_.unusable_labels()));
  for (const auto& [quantile, seconds] : performance_.Quantiles()) {
    in.numbers[5].emplace_back("latency_q" + QuantileLabel(quantile) + "_seconds", seconds);
  }
  return BuildScorecard(std::move(in));
}

MonitorSnapshot ModelMonitors::Snapshot(Timestamp now) const {
  MonitorSnapshot s;
  s.model = model_;
  s.version = dependencies_.version();
  if (auto age = staleness_.Age(now, dependencies_.trained_at()))
    s.model_age_seconds = ToSeconds(*age);
  for (std::size_t f = 0; f < invariants_.num_features(); ++f) {
    for (int r = 0; r < kInvariantRuleCount; ++r) {
      const auto rule = static_cast<InvariantRule>(r);
      if (!invariants_.Applies(f, rule)) continue;
      s.invariant_violations.push_back(
          {invariants_.feature_name(f), InvariantRuleName(rule), invariants_.total(f, rule)});
    }
    if (stability_.Watches(f)) {
      s.nonfinite_values.push_back(
          {invariants_.feature_name(f), "", stability_.feature_nonfinite_total(f)});
    }
  }
  s.invariant_violations.push_back({"", "unconfigured_feature", invariants_.unconfigured_total()});
  s.nonfinite_values.push_back({"prediction", "", stability_.prediction_nonfinite_total()});
  for (const auto& [q, v] : performance_.Quantiles())
    s.latency_quantiles.emplace_back(QuantileLabel(q), v);
  s.quality = quality_.WindowMetrics();
  const LabelJoinCounters& c = quality_.join().counters();
  s.label_join = {{"joined", "", c.joined},
                  {"expired", "", c.expired_predictions},
                  {"evicted", "", c.evicted_predictions},
                  {"early_label", "", c.early_labels},
                  {"orphaned_label", "", c.orphaned_labels},
                  {"evicted_label", "", c.evicted_labels},
                  {"duplicate_label", "", c.duplicate_labels},
                  {"duplicate_prediction", "", c.duplicate_predictions},
                  {"missing_id", "", c.missing_id},
                  {"unusable_label", "", quality_.unusable_labels()}};
  s.pending_predictions = quality_.join().pending_predictions();
  s.pending_labels = quality_.join().pending_labels();
  const ModelScorecard card = Scorecard();
  for (const ScorecardItem& item : card.items) {
    if (item.status == ItemStatus::kNotConfigured) continue;
    s.items.emplace_back(item.item, item.status == ItemStatus::kOk ? 1 : 0);
  }
  s.score = card.score;
  return s;
}

void ModelMonitors::AppendTo(std::string* out) const {
  bytes::AppendU64(out, fingerprint_);
  bytes::AppendU64(out, seen_.size());
  for (bool b : seen_) bytes::AppendU8(out, b ? 1 : 0);
  dependencies_.AppendTo(out);
  invariants_.AppendTo(out);
  staleness_.AppendTo(out);
  stability_.AppendTo(out);
  performance_.AppendTo(out);
  quality_.AppendTo(out);
}

bool ModelMonitors::ParseFrom(std::string_view* in) {
  std::uint64_t fingerprint = 0, n = 0;
  if (!bytes::ReadU64(in, &fingerprint) || fingerprint != fingerprint_ || !bytes::ReadU64(in, &n) ||
      n != seen_.size()) {
    return false;
  }
  for (std::size_t i = 0; i < seen_.size(); ++i) {
    std::uint8_t b = 0;
    if (!bytes::ReadU8(in, &b)) return false;
    seen_[i] = b != 0;
  }
  return dependencies_.ParseFrom(in) && invariants_.ParseFrom(in) && staleness_.ParseFrom(in) &&
         stability_.ParseFrom(in) && performance_.ParseFrom(in) && quality_.ParseFrom(in);
}

}  // namespace driftd::detectors
