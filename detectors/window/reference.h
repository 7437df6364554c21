// Reference windows: what the current window is compared against.
//
//   FirstNReference   the first N events after start or after a deploy (model
//                     event): fills, then freezes; Reset() starts it over.
//   LaggedReference   a rolling window of length ref_length whose end trails
//                     the current watermark by `lag`.
//   Baseline profile  summaries built offline (SummarySet, NumericSummary and
//                     CategoricalCounts are plain values; load them and keep
//                     them as the reference).
//
// LaggedReference is one SlidingWindow of length ref_length + lag whose newest
// lag / pane_width panes are left out at merge time. Pane width must divide
// both ref_length and lag (ChooseLagPaneWidth picks one). At pane granularity
// the reference covers [(c - P + 1) w, (c - L + 1) w) for the watermark's pane
// c, P = (ref_length + lag) / w, L = lag / w: its end trails the watermark by
// between lag and lag + w, and it spans exactly ref_length.
//
// Two ways to feed it:
//   events     Add() every event the current window gets; it accepts any
//              event inside its own span (its allowed lateness is its whole
//              length). Events younger than the lag are held twice (here and
//              in the current window).
//   hand-off   when lag >= the current window's length and the pane width is
//              a multiple of the current window's, pass the reference as the
//              current window's PaneSink: every pane the current window
//              evicts is merged into the reference pane that holds it
//              (AddPane), so each event is held once. The lag panes then
//              stay empty, and the reference ends where the current window
//              starts when that is earlier (by less than one reference pane):
//              the two never overlap. Late events the current window rejects
//              reach neither.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_WINDOW_REFERENCE_H_
#define DRIFTD_DETECTORS_WINDOW_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/event.h"
#include "detectors/time.h"
#include "detectors/window/sliding_window.h"
#include "detectors/window/summary_set.h"

namespace driftd::detectors {

class FirstNReference {
 public:
  // REQUIRES: n >= 1. Exact samples are kept up to options.exact_up_to.
  FirstNReference(std::size_t n, std::span<const FeatureSpec> features, const SummaryOptions& options);

  // Adds the event while fewer than n have been taken; returns false (and
  // ignores it) once frozen. The event that completes n freezes it and sorts
  // the exact samples.
  bool Add(std::span<const Value> values);
  // Starts over (a deploy); keeps n, features and options.
  void Reset();

  bool frozen() const { return summaries_.rows() >= n_; }
  std::size_t target() const { return n_; }
  std::uint64_t events() const { return summaries_.rows(); }
  // The summaries so far (complete once frozen()).
  const SummarySet& summaries() const { return summaries_; }

  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<FirstNReference> Parse(std::string_view* in);
  bool operator==(const FirstNReference& other) const { return n_ == other.n_ && summaries_ == other.summaries_; }

 private:
  FirstNReference(std::size_t n, SummarySet summaries) : n_(n), summaries_(std::move(summaries)) {}
  std::size_t n_;
  SummarySet summaries_;
};

// Reference panes per rolling reference (reference span plus lag) that
// ChooseLagPaneWidth aims at: each pane costs a summary per feature, so a
// reference is kept coarser than the current window (memory, docs/detectors.md).
inline constexpr int kDefaultReferencePanes = 32;

// A pane width that divides both ref_length and lag, as small as possible while
// the total pane count (ref_length + lag) / width stays <= max_panes; never
// larger than gcd(ref_length, lag) (ref_length when lag is zero). When `unit`
// is positive and divides that gcd, the width is a multiple of `unit` (the
// current window's pane width, so its panes can be handed off whole).
// REQUIRES: ref_length positive, lag >= 0, max_panes >= 1.
Duration ChooseLagPaneWidth(Duration ref_length, Duration lag, int max_panes = kDefaultReferencePanes,
                            Duration unit = Duration::zero());

struct LaggedReferenceOptions {
  Duration ref_length = std::chrono::hours(24 * 7);
  Duration lag = std::chrono::hours(24);
  // Must divide ref_length and lag; zero means ChooseLagPaneWidth(...).
  Duration pane_width = Duration::zero();
  std::size_t exact_up_to = 10000;
  int kll_k = KllSketch::kDefaultK;
  std::size_t max_categories = CategoricalCounts::kDefaultMaxCategories;
  std::uint64_t seed = 0;
};

[[nodiscard]] std::optional<std::string> ValidateLaggedReferenceOptions(const LaggedReferenceOptions& options);

class LaggedReference : public PaneSink {
 public:
  // REQUIRES: !ValidateLaggedReferenceOptions(options).
  LaggedReference(const LaggedReferenceOptions& options, std::vector<FeatureSpec> features);

  // Feed every event (the same ones the current window gets).
  [[nodiscard]] AddResult Add(Timestamp ts, std::span<const Value> values) { return window_.Add(ts, values); }
  void AdvanceTo(Timestamp t) { window_.AdvanceTo(t); }
  // Hand-off feeding (file comment): moves the watermark to `watermark`, then
  // merges the evicted pane in (dropped when older than the reference).
  void TakePane(Timestamp watermark, Timestamp start, std::uint64_t events,
                const SummarySet& summaries) override {
    window_.AdvanceTo(watermark);
    (void)window_.AddPane(start, events, summaries);
  }

  NumericSummary MergedNumeric(std::size_t feature) const { return window_.MergedNumeric(feature, lag_panes_); }
  CategoricalCounts MergedCategorical(std::size_t feature) const {
    return window_.MergedCategorical(feature, lag_panes_);
  }
  SummarySet Merged() const { return window_.Merged(lag_panes_); }
  std::uint64_t events() const { return window_.events(lag_panes_); }
  // The reference span [start, end) at pane granularity. REQUIRES: has_watermark().
  bool has_watermark() const { return window_.has_watermark(); }
  Timestamp start() const { return window_.start(); }
  Timestamp end() const { return window_.end() - window_.pane_width() * lag_panes_; }
  Duration pane_width() const { return window_.pane_width(); }
  const SlidingWindow& window() const { return window_; }

  std::size_t MemoryBytes() const { return window_.MemoryBytes(); }
  void AppendTo(std::string* out) const { window_.AppendTo(out); }
  // REQUIRES: the same lag as when encoded (the lag is configuration).
  [[nodiscard]] static std::optional<LaggedReference> Parse(std::string_view* in, Duration lag);
  bool operator==(const LaggedReference& other) const {
    return lag_panes_ == other.lag_panes_ && window_ == other.window_;
  }

 private:
  LaggedReference(SlidingWindow window, int lag_panes) : window_(std::move(window)), lag_panes_(lag_panes) {}
  SlidingWindow window_;
  int lag_panes_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_REFERENCE_H_
