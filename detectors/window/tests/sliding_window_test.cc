#include "detectors/window/sliding_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace driftd::detectors {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Timestamp T(double s) {
  return Timestamp{std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s))};
}

// 60 s window, six 10 s panes, 15 s lateness; feature 0 numeric, 1 categorical.
WindowOptions SmallOptions() {
  WindowOptions o;
  o.length = seconds(60);
  o.panes = 6;
  o.allowed_lateness = seconds(15);
  o.exact_up_to = 1000;
  o.seed = 7;
  return o;
}

std::vector<FeatureSpec> Features() {
  return {FeatureSpec{FeatureKind::kNumeric, nullptr}, FeatureSpec{FeatureKind::kCategorical, nullptr}};
}

AddResult AddAt(SlidingWindow& w, double t, double x, std::string cat = "a") {
  const std::vector<Value> row = {Value{x}, Value{std::move(cat)}};
  return w.Add(T(t), row);
}

std::vector<double> Sample(const SlidingWindow& w) {
  const NumericSummary s = w.MergedNumeric(0);
  EXPECT_EQ(s.mode(), SummaryMode::kExact);
  return {s.SortedSample().begin(), s.SortedSample().end()};
}

TEST(SlidingWindowTest, ValidateOptions) {
  EXPECT_FALSE(ValidateWindowOptions(SmallOptions()).has_value());
  WindowOptions o = SmallOptions();
  o.panes = 0;
  EXPECT_TRUE(ValidateWindowOptions(o).has_value());
  o = SmallOptions();
  o.length = Duration(7);  // not a multiple of 6 panes
  EXPECT_TRUE(ValidateWindowOptions(o).has_value());
  o = SmallOptions();
  o.allowed_lateness = seconds(-1);
  EXPECT_TRUE(ValidateWindowOptions(o).has_value());
  EXPECT_FALSE(ValidateWindowOptions(WindowOptions{}).has_value());  // the defaults: 1 h, 60 panes
}

TEST(SlidingWindowTest, EvictsWholePanesAtBoundaries) {
  SlidingWindow w(SmallOptions(), Features());
  ASSERT_EQ(AddAt(w, 0.0, 1), AddResult::kAccepted);
  ASSERT_EQ(AddAt(w, 9.999, 2), AddResult::kAccepted);
  ASSERT_EQ(AddAt(w, 59.999, 3), AddResult::kAccepted);
  EXPECT_EQ(w.events(), 3u);
  EXPECT_EQ(w.start(), T(0));
  EXPECT_EQ(w.end(), T(60));
  EXPECT_EQ(Sample(w), (std::vector<double>{1, 2, 3}));
  // 60 s opens pane [60, 70): pane [0, 10) falls out with both of its events.
  ASSERT_EQ(AddAt(w, 60.0, 4), AddResult::kAccepted);
  EXPECT_EQ(w.start(), T(10));
  EXPECT_EQ(w.events(), 2u);
  EXPECT_EQ(Sample(w), (std::vector<double>{3, 4}));
  EXPECT_EQ(w.MergedCategorical(1).count("a"), 2u);
}

TEST(SlidingWindowTest, LateEventsWithinAndBeyondLateness) {
  SlidingWindow w(SmallOptions(), Features());
  ASSERT_EQ(AddAt(w, 100.0, 1), AddResult::kAccepted);
  EXPECT_EQ(AddAt(w, 90.0, 2), AddResult::kAccepted);   // 10 s late: within 15 s
  EXPECT_EQ(AddAt(w, 85.0, 3), AddResult::kAccepted);   // exactly at the lateness limit
  EXPECT_EQ(AddAt(w, 84.9, 4), AddResult::kLate);       // beyond it
  EXPECT_EQ(w.late_events(), 1u);
  EXPECT_EQ(w.events(), 3u);
  EXPECT_EQ(Sample(w), (std::vector<double>{1, 2, 3}));
}

TEST(SlidingWindowTest, EventBeforeWindowStartIsLateEvenWithinLateness) {
  WindowOptions o = SmallOptions();
  o.allowed_lateness = seconds(120);
  SlidingWindow w(o, Features());
  ASSERT_EQ(AddAt(w, 100.0, 1), AddResult::kAccepted);
  // Window is [50, 110): 49 s is within the lateness but its pane is gone.
  EXPECT_EQ(AddAt(w, 49.0, 2), AddResult::kLate);
  EXPECT_EQ(AddAt(w, 50.0, 3), AddResult::kAccepted);
  EXPECT_EQ(w.late_events(), 1u);
}

TEST(SlidingWindowTest, WatermarkJumpBeyondWindowEvictsEverything) {
  SlidingWindow w(SmallOptions(), Features());
  for (int i = 0; i < 60; ++i) ASSERT_EQ(AddAt(w, i, i), AddResult::kAccepted);
  EXPECT_EQ(w.events(), 60u);
  ASSERT_EQ(AddAt(w, 1000.0, 42), AddResult::kAccepted);
  EXPECT_EQ(w.events(), 1u);
  EXPECT_EQ(Sample(w), (std::vector<double>{42}));
  EXPECT_EQ(w.MergedCategorical(1).total(), 1u);
  EXPECT_EQ(w.watermark(), T(1000));
}

TEST(SlidingWindowTest, OutOfOrderWithinLatenessLandsInItsOwnPane) {
  SlidingWindow w(SmallOptions(), Features());
  for (double t : {30.0, 25.0, 28.0, 35.0, 21.0, 39.0}) ASSERT_EQ(AddAt(w, t, t), AddResult::kAccepted);
  EXPECT_EQ(Sample(w), (std::vector<double>{21, 25, 28, 30, 35, 39}));
  // Moving to 85 s makes the window [30, 90): pane [20, 30) leaves with 21, 25, 28.
  w.AdvanceTo(T(85));
  EXPECT_EQ(Sample(w), (std::vector<double>{30, 35, 39}));
  EXPECT_EQ(w.events(), 3u);
}

TEST(SlidingWindowTest, AdvanceToDrainsASilentStreamAndNeverGoesBack) {
  SlidingWindow w(SmallOptions(), Features());
  ASSERT_EQ(AddAt(w, 10.0, 1), AddResult::kAccepted);
  w.AdvanceTo(T(5));
  EXPECT_EQ(w.watermark(), T(10));
  w.AdvanceTo(T(200));
  EXPECT_EQ(w.events(), 0u);
  EXPECT_EQ(w.MergedNumeric(0).count(), 0u);
}

TEST(SlidingWindowTest, ShortRowsCountMissingAndKindsAreRouted) {
  SlidingWindow w(SmallOptions(), Features());
  const std::vector<Value> short_row = {Value{std::string("oops")}};
  ASSERT_EQ(w.Add(T(1), short_row), AddResult::kAccepted);
  const std::vector<Value> numeric_cat = {Value{Missing{}}, Value{1.0}};
  ASSERT_EQ(w.Add(T(2), numeric_cat), AddResult::kAccepted);
  const NumericSummary n = w.MergedNumeric(0);
  EXPECT_EQ(n.non_numeric_count(), 1u);
  EXPECT_EQ(n.missing_count(), 1u);
  const CategoricalCounts c = w.MergedCategorical(1);
  EXPECT_EQ(c.missing_count(), 1u);
  EXPECT_EQ(c.count("1"), 1u);  // a number in a categorical feature is its decimal form
}

TEST(SlidingWindowTest, ExactWhileSmallSketchWhenLargeExactAgainAfterEviction) {
  WindowOptions o = SmallOptions();
  o.exact_up_to = 100;
  SlidingWindow w(o, Features());
  for (int i = 0; i < 100; ++i) ASSERT_EQ(AddAt(w, i * 0.5, i), AddResult::kAccepted);  // 0..49.5 s
  EXPECT_EQ(w.MergedNumeric(0).mode(), SummaryMode::kExact);
  ASSERT_EQ(AddAt(w, 50.0, 100), AddResult::kAccepted);
  EXPECT_EQ(w.MergedNumeric(0).mode(), SummaryMode::kSketch);
  EXPECT_EQ(w.MergedNumeric(0).count(), 101u);
  // Once the pane that switched is gone the window is exact again.
  w.AdvanceTo(T(200));
  for (int i = 0; i < 50; ++i) ASSERT_EQ(AddAt(w, 200 + i * 0.1, i), AddResult::kAccepted);
  const NumericSummary s = w.MergedNumeric(0);
  EXPECT_EQ(s.mode(), SummaryMode::kExact);
  EXPECT_EQ(s.count(), 50u);
}

// Bounded memory: 10^6 events over two hours into a 1 h window of 60 panes.
TEST(SlidingWindowTest, MemoryBoundedAtAMillionEventsAndSketchAccurate) {
  WindowOptions o;  // 1 h, 60 panes, exact_up_to 10000, k 200
  const std::vector<FeatureSpec> features = {FeatureSpec{FeatureKind::kNumeric, nullptr}};
  SlidingWindow w(o, features);
  std::mt19937_64 rng(99);
  std::lognormal_distribution<double> lognormal(0, 1);
  constexpr int kEvents = 1000000;
  const Duration step = Duration(std::chrono::hours(2)) / kEvents;  // 7.2 ms
  ASSERT_EQ(step, std::chrono::microseconds(7200));
  std::vector<std::pair<Timestamp, double>> all(kEvents);
  std::size_t max_bytes = 0;
  std::vector<Value> row(1);
  for (int i = 0; i < kEvents; ++i) {
    all[i] = {Timestamp{step * i}, lognormal(rng)};
    row[0] = all[i].second;
    ASSERT_EQ(w.Add(all[i].first, row), AddResult::kAccepted);
    if (i % 10000 == 0) max_bytes = std::max(max_bytes, w.MemoryBytes());
  }
  std::cout << "window 1h/60 panes, 1e6 events: max bytes " << max_bytes << ", final " << w.MemoryBytes()
            << "\n";
  // Stated in docs/detectors.md: under 1 MiB per numeric feature (60 sketches
  // of k = 200 plus the recycled exact buffers).
  EXPECT_LT(max_bytes, 1024u * 1024u);
  const NumericSummary merged = w.MergedNumeric(0);
  EXPECT_EQ(merged.mode(), SummaryMode::kSketch);
  // Exact oracle: the values with event time in [start, end).
  std::vector<double> live;
  for (const auto& [ts, x] : all) {
    if (ts >= w.start() && ts < w.end()) live.push_back(x);
  }
  std::sort(live.begin(), live.end());
  EXPECT_EQ(merged.count(), live.size());
  EXPECT_EQ(w.events(), live.size());
  const WeightedSortedView view = merged.View();
  double err = 0;
  for (double x : view.items()) {
    const double exact = static_cast<double>(std::upper_bound(live.begin(), live.end(), x) - live.begin()) /
                         static_cast<double>(live.size());
    err = std::max(err, std::abs(view.Cdf(x) - exact));
  }
  std::cout << "merged window rank error " << err << " (bound " << merged.epsilon() << ")\n";
  EXPECT_LE(err, merged.epsilon());
}

TEST(SlidingWindowTest, SerializationRoundTripsAndContinuesIdentically) {
  WindowOptions o = SmallOptions();
  o.exact_up_to = 50;
  o.kll_k = 16;
  auto edges = std::make_shared<const std::vector<double>>(std::vector<double>{0, 100, 200});
  const std::vector<FeatureSpec> features = {FeatureSpec{FeatureKind::kNumeric, edges},
                                             FeatureSpec{FeatureKind::kCategorical, nullptr}};
  SlidingWindow w(o, features);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(-10, 250);
  auto feed = [&](SlidingWindow& target, double from, double to) {
    std::mt19937_64 r(static_cast<std::uint64_t>(from));
    for (double t = from; t < to; t += 0.05) {
      const std::vector<Value> row = {Value{u(r)}, Value{std::string(1, static_cast<char>('a' + r() % 5))}};
      (void)target.Add(T(t), row);
    }
    (void)target.Add(T(from), std::vector<Value>{Value{1.0}});  // late beyond lateness sometimes
  };
  feed(w, 0, 100);
  (void)AddAt(w, 1.0, 1);  // late
  std::string bytes;
  w.AppendTo(&bytes);
  std::string_view in = bytes;
  std::optional<SlidingWindow> back = SlidingWindow::Parse(&in);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(*back == w);
  EXPECT_TRUE(back->MergedNumeric(0) == w.MergedNumeric(0));
  feed(w, 100, 130);
  feed(*back, 100, 130);
  EXPECT_TRUE(*back == w);
  EXPECT_TRUE(back->Merged() == w.Merged());
  std::string_view cut(bytes.data(), bytes.size() / 2);
  EXPECT_FALSE(SlidingWindow::Parse(&cut).has_value());
}

TEST(SlidingWindowTest, ClearForgetsEverythingButLateCount) {
  SlidingWindow w(SmallOptions(), Features());
  (void)AddAt(w, 100, 1);
  (void)AddAt(w, 1, 1);
  w.Clear();
  EXPECT_FALSE(w.has_watermark());
  EXPECT_EQ(w.events(), 0u);
  EXPECT_EQ(w.late_events(), 1u);
  ASSERT_EQ(AddAt(w, 5, 2), AddResult::kAccepted);
  EXPECT_EQ(Sample(w), (std::vector<double>{2}));
}

TEST(SlidingWindowTest, PanesAllocateNothingUntilUsedAndReleaseWhenExpired) {
  std::vector<FeatureSpec> wide(40, FeatureSpec{FeatureKind::kNumeric, nullptr});
  wide.resize(50, FeatureSpec{FeatureKind::kCategorical, nullptr});
  SlidingWindow w(SmallOptions(), wide);
  const std::size_t idle = w.MemoryBytes();
  // An idle window is its slots: no per-feature summaries yet.
  EXPECT_LT(idle, 6 * 40 * sizeof(NumericSummary));
  std::vector<Value> row(40, Value{1.5});
  row.resize(50, Value{std::string("a")});
  ASSERT_EQ(w.Add(T(1), row), AddResult::kAccepted);
  const std::size_t one_pane = w.MemoryBytes();
  EXPECT_GE(one_pane, idle + 40 * sizeof(NumericSummary) + 10 * sizeof(CategoricalCounts));
  EXPECT_LT(one_pane, idle + 2 * (40 * sizeof(NumericSummary) + 10 * sizeof(CategoricalCounts)) + 4096);
  ASSERT_EQ(w.Add(T(11), row), AddResult::kAccepted);
  ASSERT_EQ(w.Add(T(21), row), AddResult::kAccepted);
  const std::size_t three_panes = w.MemoryBytes();
  EXPECT_GE(three_panes, idle + 3 * (one_pane - idle) - 64);
  // A jump past the whole window expires every pane: their summaries are
  // released but for one spare set (sliding_window.h).
  w.AdvanceTo(T(1000));
  EXPECT_EQ(w.events(), 0u);
  EXPECT_LE(w.MemoryBytes(), one_pane + 64);
  EXPECT_GT(w.MemoryBytes(), idle);
  // The next pane reuses the spare: nothing more is held.
  ASSERT_EQ(w.Add(T(1001), row), AddResult::kAccepted);
  EXPECT_LE(w.MemoryBytes(), one_pane + 64);
}

// Collects what a window evicts.
class PaneLog : public PaneSink {
 public:
  void TakePane(Timestamp watermark, Timestamp start, std::uint64_t events,
                const SummarySet& summaries) override {
    watermarks.push_back(watermark);
    starts.push_back(start);
    counts.push_back(events);
    values.push_back(summaries.numeric(0).count());
  }
  std::vector<Timestamp> watermarks;
  std::vector<Timestamp> starts;
  std::vector<std::uint64_t> counts;
  std::vector<std::uint64_t> values;
};

TEST(SlidingWindowTest, EvictedPanesGoToTheSinkOnceInOrder) {
  SlidingWindow w(SmallOptions(), Features());
  PaneLog log;
  for (int t = 0; t < 90; t += 3) ASSERT_EQ(w.Add(T(t), {{Value{1.0 * t}, Value{std::string("a")}}}, &log),
                                            AddResult::kAccepted);
  // Watermark 87 s: live panes [30, 90); panes 0, 10, 20 left, 4/3/3 events
  // (t = 0, 3, 6, 9 | 12, 15, 18 | 21, 24, 27).
  ASSERT_EQ(log.starts.size(), 3u);
  EXPECT_EQ(log.starts[0], T(0));
  EXPECT_EQ(log.starts[2], T(20));
  EXPECT_EQ(log.counts, (std::vector<std::uint64_t>{4, 3, 3}));
  EXPECT_EQ(log.values, (std::vector<std::uint64_t>{4, 3, 3}));
  EXPECT_EQ(log.watermarks[0], T(60));  // the event that entered pane 60 evicted pane 0
  // Clear forgets without handing anything on.
  w.Clear();
  EXPECT_EQ(log.starts.size(), 3u);
}

TEST(SlidingWindowTest, AddPaneKeepsTheExactBudget) {
  WindowOptions o = SmallOptions();
  o.exact_up_to = 10;
  SlidingWindow w(o, Features());
  w.AdvanceTo(T(55));
  SummarySet pane(Features(), SummaryOptions{.exact_up_to = 10});
  for (int i = 0; i < 6; ++i) pane.AddValue(0, Value{1.0 * i});
  EXPECT_EQ(w.AddPane(T(0), 6, pane), AddResult::kAccepted);
  EXPECT_EQ(w.MergedNumeric(0).mode(), SummaryMode::kExact);
  // 6 + 6 > 10: the second pane goes to sketch mode, as Add would have.
  EXPECT_EQ(w.AddPane(T(10), 6, pane), AddResult::kAccepted);
  EXPECT_EQ(w.MergedNumeric(0).mode(), SummaryMode::kSketch);
  EXPECT_EQ(w.MergedNumeric(0).count(), 12u);
  EXPECT_EQ(w.events(), 12u);
  // Older than the live panes, or newer than the watermark's: refused.
  w.AdvanceTo(T(65));
  EXPECT_EQ(w.AddPane(T(0), 6, pane), AddResult::kLate);
  EXPECT_EQ(w.AddPane(T(70), 6, pane), AddResult::kLate);
  EXPECT_EQ(w.events(), 6u);  // pane 0 expired
}

}  // namespace
}  // namespace driftd::detectors
