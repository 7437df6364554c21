#include "detectors/monitors/stability.h"

#include <algorithm>
#include <cmath>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

void InsertDistinct(std::vector<double>* d, std::uint64_t cap, double x) {
  auto it = std::lower_bound(d->begin(), d->end(), x);
  if (it != d->end() && *it == x) return;
  if (d->size() >= cap) return;  // enough distinct values to pass the check
  d->insert(it, x);
}

StabilityMonitor::Pane Prototype(const config::ModelConfig& model) {
  StabilityMonitor::Pane p;
  p.feature_nonfinite.assign(model.features.size(), 0);
  if (model.prediction && model.prediction->min_distinct)
    p.distinct_cap = *model.prediction->min_distinct;
  return p;
}

}  // namespace

void StabilityMonitor::Pane::Merge(const Pane& other) {
  predictions += other.predictions;
  nonfinite += other.nonfinite;
  out_of_range += other.out_of_range;
  moments.Merge(other.moments);
  distinct_cap = std::max(distinct_cap, other.distinct_cap);
  for (double x : other.distinct) InsertDistinct(&distinct, distinct_cap, x);
  if (feature_nonfinite.size() < other.feature_nonfinite.size()) {
    feature_nonfinite.resize(other.feature_nonfinite.size(), 0);
  }
  for (std::size_t i = 0; i < other.feature_nonfinite.size(); ++i)
    feature_nonfinite[i] += other.feature_nonfinite[i];
}

void StabilityMonitor::Pane::Clear() {
  predictions = nonfinite = out_of_range = 0;
  moments = Moments{};
  distinct.clear();
  std::fill(feature_nonfinite.begin(), feature_nonfinite.end(), 0);
}

void StabilityMonitor::Pane::AppendTo(std::string* out) const {
  bytes::AppendU64(out, predictions);
  bytes::AppendU64(out, nonfinite);
  bytes::AppendU64(out, out_of_range);
  moments.AppendTo(out);
  bytes::AppendU64(out, distinct_cap);
  bytes::AppendU64(out, distinct.size());
  for (double x : distinct) bytes::AppendF64(out, x);
  bytes::AppendU64(out, feature_nonfinite.size());
  for (std::uint64_t v : feature_nonfinite) bytes::AppendU64(out, v);
}

std::optional<StabilityMonitor::Pane> StabilityMonitor::Pane::Parse(std::string_view* in) {
  Pane p;
  std::uint64_t n = 0;
  if (!bytes::ReadU64(in, &p.predictions) || !bytes::ReadU64(in, &p.nonfinite) ||
      !bytes::ReadU64(in, &p.out_of_range) || !p.moments.ParseFrom(in) ||
      !bytes::ReadU64(in, &p.distinct_cap) || !bytes::ReadU64(in, &n) ||
      !bytes::HasRoomFor(*in, n, 8)) {
    return std::nullopt;
  }
  p.distinct.resize(n);
  for (double& x : p.distinct) {
    if (!bytes::ReadF64(in, &x)) return std::nullopt;
  }
  if (!bytes::ReadU64(in, &n) || !bytes::HasRoomFor(*in, n, 8)) return std::nullopt;
  p.feature_nonfinite.resize(n);
  for (auto& v : p.feature_nonfinite) {
    if (!bytes::ReadU64(in, &v)) return std::nullopt;
  }
  return p;
}

StabilityMonitor::StabilityMonitor(const config::ModelConfig& model)
    : prediction_(model.prediction),
      max_share_(model.max_invariant_violation_share),
      ring_(model.window, static_cast<int>(model.windows.panes), Prototype(model)),
      feature_totals_(model.features.size(), 0) {
  for (const auto& f : model.features) {
    names_.push_back(f.name);
    watched_.push_back(f.type == config::FeatureType::kNumeric && f.finite);
  }
}

void StabilityMonitor::ObservePrediction(Timestamp ts, std::optional<double> value) {
  if (!value) return;
  Pane* pane = ring_.Slot(ts);
  const double x = *value;
  if (!std::isfinite(x)) {
    ++prediction_nonfinite_total_;
    if (pane != nullptr) {
      ++pane->predictions;
      ++pane->nonfinite;
    }
    return;
  }
  if (pane == nullptr) return;
  ++pane->predictions;
  pane->moments.Add(x);
  if (pane->distinct_cap > 0) InsertDistinct(&pane->distinct, pane->distinct_cap, x);
  if (prediction_ && ((prediction_->min && x < *prediction_->min) ||
                      (prediction_->max && x > *prediction_->max))) {
    ++pane->out_of_range;
  }
}

void StabilityMonitor::ObserveFeature(Timestamp ts, std::size_t feature, double value) {
  if (std::isfinite(value) || !watched_[feature]) return;
  ++feature_totals_[feature];
  if (Pane* pane = ring_.Slot(ts)) ++pane->feature_nonfinite[feature];
}

std::vector<Finding> StabilityMonitor::Evaluate(const FindingBase& base,
                                                std::uint64_t min_samples) const {
  const Pane w = ring_.Merged();
  std::vector<Finding> out;
  const auto count = [](std::uint64_t n, const char* what) {
    return std::to_string(n) + " non-finite " + what + " in the window";
  };
  out.push_back(MakeFinding(base, Check::kNonFinite, "prediction", "nonfinite",
                            static_cast<double>(w.nonfinite), 0, w.nonfinite > 0, true,
                            w.predictions, count(w.nonfinite, "predictions")));
  for (std::size_t f = 0; f < names_.size(); ++f) {
    if (!watched_[f]) continue;
    const std::uint64_t n = f < w.feature_nonfinite.size() ? w.feature_nonfinite[f] : 0;
    out.push_back(MakeFinding(base, Check::kNonFinite, names_[f], "nonfinite",
                              static_cast<double>(n), 0, n > 0, true, w.predictions,
                              count(n, "values")));
  }
  const std::uint64_t finite = w.moments.n;
  const bool judged = finite >= min_samples && finite > 0;
  if (prediction_ && (prediction_->min || prediction_->max)) {
    const double share =
        finite == 0 ? 0.0 : static_cast<double>(w.out_of_range) / static_cast<double>(finite);
    out.push_back(MakeFinding(base, Check::kNonFinite, "prediction_range", "out_of_range_share",
                              share, max_share_, share > max_share_, judged, finite,
                              std::to_string(w.out_of_range) + " of " + std::to_string(finite) +
                                  " predictions outside the declared range"));
  }
  if (prediction_ && prediction_->min_variance) {
    const double v = w.moments.Variance();
    out.push_back(MakeFinding(base, Check::kNonFinite, "prediction_variance", "variance", v,
                              *prediction_->min_variance, v < *prediction_->min_variance, judged,
                              finite,
                              "prediction variance " + FormatNumber(v) + " (floor " +
                                  FormatNumber(*prediction_->min_variance) + ")"));
  }
  if (prediction_ && prediction_->min_distinct) {
    const auto d = static_cast<double>(w.distinct.size());
    const auto floor = static_cast<double>(*prediction_->min_distinct);
    out.push_back(MakeFinding(base, Check::kNonFinite, "prediction_distinct", "distinct", d, floor,
                              d < floor, judged, finite,
                              std::to_string(w.distinct.size()) + " distinct predictions (floor " +
                                  std::to_string(*prediction_->min_distinct) + ")"));
  }
  return out;
}

void StabilityMonitor::AppendTo(std::string* out) const {
  ring_.AppendTo(out);
  bytes::AppendU64(out, prediction_nonfinite_total_);
  bytes::AppendU64(out, feature_totals_.size());
  for (std::uint64_t v : feature_totals_) bytes::AppendU64(out, v);
}

bool StabilityMonitor::ParseFrom(std::string_view* in) {
  std::uint64_t n = 0;
  if (!ring_.ParseFrom(in) || !bytes::ReadU64(in, &prediction_nonfinite_total_) ||
      !bytes::ReadU64(in, &n) || n != feature_totals_.size()) {
    return false;
  }
  for (auto& v : feature_totals_) {
    if (!bytes::ReadU64(in, &v)) return false;
  }
  return true;
}

}  // namespace driftd::detectors
