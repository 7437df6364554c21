// SlidingWindow: the current window of one model over event time, split into
// panes so that eviction is O(1) per event and evaluation merges panes.
//
// Geometry. Pane width w = length / panes (integer nanoseconds; length must be
// a multiple of panes). Pane p covers event time [p*w, (p+1)*w) since the Unix
// epoch. The watermark is the largest event time accepted so far (or passed
// to AdvanceTo); with c the pane of the watermark, the live panes are
// c-panes+1 .. c, so the window covers [start(), end()) = [(c-panes+1)*w,
// (c+1)*w): the last `length` of event time at pane granularity, i.e. between
// length - w and length before the watermark.
//
// Eviction. Panes live in a ring of `panes` slots. When the watermark enters
// a newer pane, the slots of the panes that fell out are emptied (their
// summaries released, or handed to a PaneSink first) and reused: O(1)
// amortized per event, and a jump larger than the window empties every slot
// once. A slot's summaries are created when an event first reaches its pane,
// so an empty pane costs only its slot (about 100 bytes, whatever the
// features); one expired pane's summaries are kept as a spare for the next
// new pane, so a steady stream allocates nothing per event or per pane once
// buffers have grown (a feature that will summarize the new pane in sketch
// mode keeps the spare's sketch buffers too). An event in the watermark's
// pane, the common case, finds its pane without integer division.
//
// Late events. An event with ts < watermark - allowed_lateness, or older than
// start(), is rejected: Add returns kLate and late_events() counts it. Events
// within the lateness go to their own pane, in any order. An event far in the
// future moves the watermark there (event time is trusted; reject absurd
// timestamps before the window).
//
// Exact vs sketch per feature. A numeric feature's merged window is exact when
// all its live values fit in exact_up_to. Panes follow one rule: a value goes
// into a pane's exact sample only while the live panes together hold fewer
// than exact_up_to values of that feature; otherwise that pane switches to its
// KLL sketch. So the exact values held across live panes never exceed
// exact_up_to, and a merged window with total <= exact_up_to is exact unless
// one of its panes switched while the window was larger (then it is a sketch
// until that pane is evicted; mode() says so).
//
// Memory per numeric feature (bounded whatever the rate): at most exact_up_to
// exact doubles across live panes plus recycled buffers of at most
// 2*exact_up_to/panes doubles per slot, plus one KLL sketch per pane in sketch
// mode. docs/detectors.md has the measured figures.
//
// Thread-safety: none; one owner (the ingest thread). Merged() returns values
// that can be handed to other threads.
#ifndef DRIFTD_DETECTORS_WINDOW_SLIDING_WINDOW_H_
#define DRIFTD_DETECTORS_WINDOW_SLIDING_WINDOW_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/event.h"
#include "detectors/time.h"
#include "detectors/window/summary_set.h"

namespace driftd::detectors {

struct WindowOptions {
  Duration length = std::chrono::hours(1);
  int panes = 60;
  Duration allowed_lateness = std::chrono::minutes(5);
  // Per feature, for the whole window (see the file comment); each pane's
  // summaries use the same limit.
  std::size_t exact_up_to = 10000;
  int kll_k = KllSketch::kDefaultK;
  // Per pane and per merged window.
  std::size_t max_categories = CategoricalCounts::kDefaultMaxCategories;
  // Seeds the sketches; pane p's sketches use a seed derived from (seed, p).
  std::uint64_t seed = 0;
};

// Why `options` cannot make a window, or std::nullopt when they can.
[[nodiscard]] std::optional<std::string> ValidateWindowOptions(const WindowOptions& options);

enum class AddResult { kAccepted, kLate };

// Receives the panes a window evicts (SlidingWindow::Add / AdvanceTo with a
// sink), e.g. to hand them on to a lagged reference instead of keeping the
// same events twice.
class PaneSink {
 public:
  virtual ~PaneSink() = default;
  // Pane [start, start + pane_width) left the window whose watermark is now
  // `watermark`; `summaries` is valid only during the call.
  virtual void TakePane(Timestamp watermark, Timestamp start, std::uint64_t events,
                        const SummarySet& summaries) = 0;
};

class SlidingWindow {
 public:
  // REQUIRES: !ValidateWindowOptions(options); features' edges valid.
  SlidingWindow(const WindowOptions& options, std::vector<FeatureSpec> features);

  // One event: values[i] is feature i (see SummarySet for kinds). O(features).
  // Panes the event evicts go to `evicted` when it is not null.
  [[nodiscard]] AddResult Add(Timestamp ts, std::span<const Value> values, PaneSink* evicted = nullptr);
  // Moves the watermark to t if later (e.g. evaluation time, so a silent
  // stream's window drains). Never moves it back.
  void AdvanceTo(Timestamp t, PaneSink* evicted = nullptr);
  // Merges a whole pane of another window (`events` events, feature kinds as
  // here) into the pane holding `start`, as if its events had been added:
  // kLate (and nothing changes) when that pane is older than the live ones.
  // The exact-sample budget applies as for Add: a numeric summary whose
  // values would take the live exact values past exact_up_to goes to sketch
  // mode. Does not move the watermark. REQUIRES: has_watermark().
  AddResult AddPane(Timestamp start, std::uint64_t events, const SummarySet& pane);
  // Forgets all events and the watermark; late_events() is kept.
  void Clear();

  // Merge of the live panes, oldest first, leaving out the newest
  // `exclude_newest` panes (used by LaggedReference). Numeric samples come
  // back sorted. Cost O(panes * summary size).
  NumericSummary MergedNumeric(std::size_t feature, int exclude_newest = 0) const;
  CategoricalCounts MergedCategorical(std::size_t feature, int exclude_newest = 0) const;
  SummarySet Merged(int exclude_newest = 0) const;

  // Events accepted into the live panes (excluding the newest `exclude_newest`).
  std::uint64_t events(int exclude_newest = 0) const;
  std::uint64_t late_events() const { return late_events_; }
  bool has_watermark() const { return has_watermark_; }
  // REQUIRES: has_watermark().
  Timestamp watermark() const { return watermark_; }
  // Start of the oldest live pane / end of the newest. REQUIRES: has_watermark().
  Timestamp start() const;
  Timestamp end() const;
  Duration pane_width() const { return pane_width_; }
  const WindowOptions& options() const { return options_; }
  const std::vector<FeatureSpec>& features() const { return features_; }

  std::size_t MemoryBytes() const;

  // State encoding (options, features' kinds, watermark, counters, panes).
  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<SlidingWindow> Parse(std::string_view* in);

  bool operator==(const SlidingWindow& other) const;

 private:
  struct Pane {
    std::int64_t index = 0;
    bool used = false;
    std::uint64_t events = 0;
    SummarySet summaries;
  };

  std::int64_t PaneOf(Timestamp ts) const;
  Pane& SlotOf(std::int64_t pane);
  // Sets current_ and current_slot_.
  void SetCurrent(std::int64_t pane);
  // Takes a used slot's pane out of the window: hands it to `evicted` when
  // not null, subtracts it from the live counters, marks the slot unused.
  void Evict(Pane& slot, PaneSink* evicted);
  // Evict, then makes the slot hold pane `index` (summaries created on the
  // slot's first use, else cleared keeping small buffers).
  void Recycle(Pane& slot, std::int64_t index, PaneSink* evicted);
  SummaryOptions PaneOptions() const;

  WindowOptions options_;
  std::vector<FeatureSpec> features_;
  Duration pane_width_;
  std::vector<Pane> ring_;
  bool has_watermark_ = false;
  Timestamp watermark_{};
  std::int64_t current_ = 0;  // pane of the watermark
  std::size_t current_slot_ = 0;  // ring_ index of current_
  std::uint64_t events_ = 0;
  std::uint64_t late_events_ = 0;
  std::vector<std::uint64_t> live_values_;  // per feature: finite numeric values in live panes
  // Summaries of one expired pane, reused by the next new pane (Recycle
  // clears them); never part of the window's content or encoding.
  SummarySet spare_;
  // Per feature, for Recycle: keep the pane's sketch (reused, not regrown).
  std::vector<std::uint8_t> keep_sketch_;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_SLIDING_WINDOW_H_
