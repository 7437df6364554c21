// StabilityMonitor (M5, "models are numerically stable").
//
// Per window (PaneRing over event time), from prediction events:
//   prediction            NaN / +-Infinity predictions: failing when the
//                         window holds any (statistic: their count)
//   <feature>             the same for each numeric feature with
//                         finite = true (NaN in inputs)
//   prediction_range      share of finite predictions outside the declared
//                         [min, max] vs max_invariant_violation_share
//   prediction_variance   population variance of finite predictions under
//                         min_variance: a collapsed distribution
//   prediction_distinct   distinct finite predictions under min_distinct
// The numeric prediction is the event's score when present, else its
// numeric prediction (strings such as "NaN" count as non-finite, see
// NumericOf). Range, variance and distinct are judged from min_samples
// predictions; the non-finite checks on any count. Distinct values are kept
// per pane up to min_distinct, so memory is O(panes * min_distinct).
// Cumulative non-finite totals per field feed driftd_nonfinite_values_total.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_STABILITY_H_
#define DRIFTD_DETECTORS_MONITORS_STABILITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "detectors/event.h"
#include "detectors/finding.h"
#include "detectors/monitors/monitor_common.h"
#include "detectors/monitors/pane_ring.h"

namespace driftd::detectors {

class StabilityMonitor {
 public:
  struct Pane {
    std::uint64_t predictions = 0;  // with a numeric (or non-finite) value
    std::uint64_t nonfinite = 0;
    std::uint64_t out_of_range = 0;
    Moments moments;
    std::vector<double> distinct;  // sorted, at most `distinct_cap`
    std::uint64_t distinct_cap = 0;
    std::vector<std::uint64_t> feature_nonfinite;  // per configured feature
    void Merge(const Pane& other);
    void Clear();
    void AppendTo(std::string* out) const;
    [[nodiscard]] static std::optional<Pane> Parse(std::string_view* in);
  };

  explicit StabilityMonitor(const config::ModelConfig& model);

  void ObservePrediction(Timestamp ts, std::optional<double> value);
  // A configured numeric feature's value (index into model.features).
  void ObserveFeature(Timestamp ts, std::size_t feature, double value);

  void AdvanceTo(Timestamp now) { ring_.AdvanceTo(now); }
  std::vector<Finding> Evaluate(const FindingBase& base, std::uint64_t min_samples) const;

  std::uint64_t prediction_nonfinite_total() const { return prediction_nonfinite_total_; }
  std::uint64_t feature_nonfinite_total(std::size_t f) const { return feature_totals_[f]; }
  // Features whose non-finite values M5 watches (numeric, finite = true).
  bool Watches(std::size_t feature) const { return watched_[feature]; }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  std::vector<std::string> names_;
  std::vector<bool> watched_;
  std::optional<config::PredictionConfig> prediction_;
  double max_share_;
  PaneRing<Pane> ring_;
  std::uint64_t prediction_nonfinite_total_ = 0;
  std::vector<std::uint64_t> feature_totals_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_STABILITY_H_
