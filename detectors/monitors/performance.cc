#include "detectors/monitors/performance.h"

#include <algorithm>
#include <cmath>

#include "detectors/monitors/value_codec.h"

namespace driftd::detectors {
namespace {

constexpr double kQuantiles[] = {0.5, 0.9, 0.99};
constexpr const char* kQuantileNames[] = {"p50", "p90", "p99"};

NumericSummaryOptions SummaryOptions(const config::ModelConfig& model) {
  NumericSummaryOptions o;
  o.exact_up_to = model.windows.exact_up_to;
  o.kll_k = static_cast<int>(model.windows.sketch_k);
  return o;
}

}  // namespace

void PerformanceMonitor::Pane::Merge(const Pane& other) {
  latency.Merge(other.latency);
  if (other.events > 0) {
    first = events == 0 ? other.first : std::min(first, other.first);
    last = events == 0 ? other.last : std::max(last, other.last);
  }
  events += other.events;
}

void PerformanceMonitor::Pane::Clear() {
  latency.Clear(0, latency.options().seed);
  events = 0;
  first = last = Timestamp{};
}

void PerformanceMonitor::Pane::AppendTo(std::string* out) const {
  latency.AppendTo(out);
  bytes::AppendU64(out, events);
  codec::AppendTimestamp(out, first);
  codec::AppendTimestamp(out, last);
}

std::optional<PerformanceMonitor::Pane> PerformanceMonitor::Pane::Parse(std::string_view* in) {
  auto latency = NumericSummary::Parse(in);
  if (!latency) return std::nullopt;
  Pane p(latency->options());
  p.latency = std::move(*latency);
  if (!bytes::ReadU64(in, &p.events) || !codec::ReadTimestamp(in, &p.first) ||
      !codec::ReadTimestamp(in, &p.last)) {
    return std::nullopt;
  }
  return p;
}

PerformanceMonitor::PerformanceMonitor(const config::ModelConfig& model)
    : config_(model.latency),
      reference_type_(model.reference.type),
      reference_window_(model.reference.window),
      ring_(model.window, static_cast<int>(model.windows.panes), Pane(SummaryOptions(model))),
      reference_(model.reference, static_cast<int>(model.windows.panes),
                 Pane(SummaryOptions(model))) {}

void PerformanceMonitor::ObservePrediction(Timestamp ts, std::optional<double> latency_ms) {
  if (!first_event_ || ts < *first_event_) first_event_ = ts;
  for (Pane* pane : {ring_.Slot(ts), reference_.Slot(ts)}) {
    if (pane == nullptr) continue;
    pane->first = pane->events == 0 ? ts : std::min(pane->first, ts);
    pane->last = pane->events == 0 ? ts : std::max(pane->last, ts);
    ++pane->events;
    if (latency_ms && std::isfinite(*latency_ms)) pane->latency.Add(*latency_ms / 1000.0);
  }
}

void PerformanceMonitor::AdvanceTo(Timestamp now) {
  ring_.AdvanceTo(now);
  reference_.AdvanceTo(now);
}

std::vector<std::pair<double, double>> PerformanceMonitor::Quantiles() const {
  const Pane w = ring_.Merged();
  std::vector<std::pair<double, double>> out;
  if (w.latency.count() == 0) return out;
  const WeightedSortedView view = w.latency.View();
  for (double q : kQuantiles) out.emplace_back(q, view.Quantile(q));
  return out;
}

std::vector<Finding> PerformanceMonitor::Evaluate(const FindingBase& base,
                                                  std::uint64_t min_samples) const {
  std::vector<Finding> out;
  if (!config_) return out;
  const Pane w = ring_.Merged();
  const std::uint64_t n = w.latency.count();
  const bool judged = n >= min_samples && n > 0;
  const WeightedSortedView view = w.latency.View();
  const char* mode = SummaryModeName(w.latency.mode());
  const std::optional<Duration> limits[] = {config_->p50_max, config_->p90_max, config_->p99_max};
  for (int i = 0; i < 3; ++i) {
    if (!limits[i]) continue;
    const double q = n == 0 ? 0.0 : view.Quantile(kQuantiles[i]);
    const double limit = ToSeconds(*limits[i]);
    Finding f = MakeFinding(base, Check::kLatencyRegression, kQuantileNames[i], "limit", q, limit,
                            q > limit, judged, n,
                            std::string(kQuantileNames[i]) + " latency " + FormatNumber(q) +
                                " s (limit " + FormatNumber(limit) + " s)");
    f.mode = mode;
    out.push_back(std::move(f));
  }
  const Pane ref = reference_.Get();
  if (config_->max_ratio) {
    const double cur = n == 0 ? 0.0 : view.Quantile(0.99);
    const double rp99 = ref.latency.count() == 0 ? 0.0 : ref.latency.View().Quantile(0.99);
    const double ratio = rp99 > 0 ? cur / rp99 : 0.0;
    Finding f = MakeFinding(
        base, Check::kLatencyRegression, "p99_ratio", "reference", ratio, *config_->max_ratio,
        ratio > *config_->max_ratio,
        judged && reference_.Ready() && ref.latency.count() >= min_samples && rp99 > 0, n,
        "p99 " + FormatNumber(cur) + " s vs reference p99 " + FormatNumber(rp99) + " s");
    f.reference_samples = ref.latency.count();
    f.mode = mode;
    out.push_back(std::move(f));
  }
  if (config_->min_throughput || config_->min_throughput_ratio) {
    Duration covered = ring_.length();
    if (first_event_) covered = std::min(covered, base.now - *first_event_);
    const bool covered_enough = first_event_ && covered >= ring_.pane_width();
    const double rate = covered_enough ? static_cast<double>(w.events) / ToSeconds(covered) : 0.0;
    if (config_->min_throughput) {
      out.push_back(MakeFinding(base, Check::kThroughputDrop, "throughput", "floor", rate,
                                *config_->min_throughput, rate < *config_->min_throughput,
                                covered_enough, w.events,
                                FormatNumber(rate) + " predictions/s (floor " +
                                    FormatNumber(*config_->min_throughput) + ")"));
    }
    if (config_->min_throughput_ratio) {
      double ref_rate = 0;
      if (reference_type_ == config::ReferenceType::kRolling) {
        ref_rate = static_cast<double>(ref.events) / ToSeconds(reference_window_);
      } else if (ref.events > 1 && ref.last > ref.first) {
        ref_rate = static_cast<double>(ref.events - 1) / ToSeconds(ref.last - ref.first);
      }
      const double ratio = ref_rate > 0 ? rate / ref_rate : 0.0;
      Finding f =
          MakeFinding(base, Check::kThroughputDrop, "throughput_ratio", "reference", ratio,
                      *config_->min_throughput_ratio, ratio < *config_->min_throughput_ratio,
                      covered_enough && reference_.Ready() && ref_rate > 0, w.events,
                      FormatNumber(rate) + " predictions/s vs reference " + FormatNumber(ref_rate));
      f.reference_samples = ref.events;
      out.push_back(std::move(f));
    }
  }
  return out;
}

void PerformanceMonitor::AppendTo(std::string* out) const {
  ring_.AppendTo(out);
  reference_.AppendTo(out);
  bytes::AppendU8(out, first_event_ ? 1 : 0);
  codec::AppendTimestamp(out, first_event_.value_or(Timestamp{}));
}

bool PerformanceMonitor::ParseFrom(std::string_view* in) {
  std::uint8_t has = 0;
  Timestamp t;
  if (!ring_.ParseFrom(in) || !reference_.ParseFrom(in) || !bytes::ReadU8(in, &has) ||
      !codec::ReadTimestamp(in, &t)) {
    return false;
  }
  first_event_ = has != 0 ? std::optional<Timestamp>(t) : std::nullopt;
  return true;
}

}  // namespace driftd::detectors
