#include "detectors/window/reference.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace driftd::detectors {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const std::vector<FeatureSpec> kOneNumeric = {FeatureSpec{FeatureKind::kNumeric, nullptr}};

std::vector<double> Sorted(const NumericSummary& s) { return {s.SortedSample().begin(), s.SortedSample().end()}; }

TEST(FirstNReferenceTest, FillsThenFreezesAndResetStartsOver) {
  FirstNReference ref(3, kOneNumeric, SummaryOptions{});
  for (double x : {5.0, 1.0, 3.0}) EXPECT_TRUE(ref.Add(std::vector<Value>{Value{x}}));
  EXPECT_TRUE(ref.frozen());
  EXPECT_FALSE(ref.Add(std::vector<Value>{Value{100.0}}));
  EXPECT_EQ(ref.events(), 3u);
  EXPECT_EQ(Sorted(ref.summaries().numeric(0)), (std::vector<double>{1, 3, 5}));
  ref.Reset();  // a deploy
  EXPECT_FALSE(ref.frozen());
  EXPECT_EQ(ref.events(), 0u);
  EXPECT_TRUE(ref.Add(std::vector<Value>{Value{7.0}}));
  EXPECT_EQ(ref.summaries().numeric(0).count(), 1u);
}

TEST(FirstNReferenceTest, RoundTrips) {
  FirstNReference ref(4, kOneNumeric, SummaryOptions{});
  for (double x : {2.0, 1.0}) ref.Add(std::vector<Value>{Value{x}});
  std::string bytes;
  ref.AppendTo(&bytes);
  std::string_view in = bytes;
  auto back = FirstNReference::Parse(&in);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == ref);
  for (double x : {4.0, 3.0}) {
    back->Add(std::vector<Value>{Value{x}});
    ref.Add(std::vector<Value>{Value{x}});
  }
  EXPECT_TRUE(back->frozen());
  EXPECT_TRUE(*back == ref);
}

TEST(LaggedReferenceTest, ChooseLagPaneWidthDividesBothAndRespectsBudget) {
  const Duration w = ChooseLagPaneWidth(hours(24 * 7), hours(24), 256);
  EXPECT_EQ(hours(24 * 7) % w, Duration::zero());
  EXPECT_EQ(hours(24) % w, Duration::zero());
  EXPECT_LE((hours(24 * 8)) / w, 256);
  EXPECT_EQ(w, std::chrono::minutes(45));  // 1 d / 32: 256 panes of 45 min
  EXPECT_EQ(ChooseLagPaneWidth(seconds(60), seconds(30), 9), seconds(10));
}

TEST(LaggedReferenceTest, CoversReferenceLengthTrailingByLag) {
  LaggedReferenceOptions o;
  o.ref_length = seconds(60);
  o.lag = seconds(30);
  o.pane_width = seconds(10);
  ASSERT_FALSE(ValidateLaggedReferenceOptions(o).has_value());
  LaggedReference ref(o, kOneNumeric);
  for (int t = 0; t < 200; ++t) {
    ASSERT_EQ(ref.Add(Timestamp{seconds(t)}, std::vector<Value>{Value{static_cast<double>(t)}}),
              AddResult::kAccepted);
  }
  // Watermark 199 s is in pane [190, 200); with 9 panes of 10 s the window
  // holds [110, 200); leaving out the newest 3 gives [110, 170).
  EXPECT_EQ(ref.start(), Timestamp{seconds(110)});
  EXPECT_EQ(ref.end(), Timestamp{seconds(170)});
  std::vector<double> expect;
  for (int t = 110; t < 170; ++t) expect.push_back(t);
  EXPECT_EQ(Sorted(ref.MergedNumeric(0)), expect);
  EXPECT_EQ(ref.events(), 60u);
  EXPECT_EQ(ref.Merged().numeric(0).count(), 60u);
  std::string bytes;
  ref.AppendTo(&bytes);
  std::string_view in = bytes;
  auto back = LaggedReference::Parse(&in, o.lag);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == ref);
  EXPECT_EQ(Sorted(back->MergedNumeric(0)), expect);
}

TEST(LaggedReferenceTest, ValidateRejectsWidthNotDividingLag) {
  LaggedReferenceOptions o;
  o.ref_length = seconds(60);
  o.lag = seconds(25);
  o.pane_width = seconds(10);
  EXPECT_TRUE(ValidateLaggedReferenceOptions(o).has_value());
  o.pane_width = Duration::zero();  // chosen: gcd(60, 25) = 5 s divides both
  EXPECT_FALSE(ValidateLaggedReferenceOptions(o).has_value());
}

TEST(LaggedReferenceTest, DefaultGeometryIsCoarseAndAlignedToTheCurrentPanes) {
  using std::chrono::minutes;
  // 1 h span + 1 h lag over 1 min current panes: 4 min panes, 30 in all
  // (<= kDefaultReferencePanes = 32; 3.75 min would not be whole minutes).
  EXPECT_EQ(ChooseLagPaneWidth(hours(1), hours(1), kDefaultReferencePanes, minutes(1)), minutes(4));
  // Without the unit the budget alone decides: 2 h / 32 = 3.75 min.
  EXPECT_EQ(ChooseLagPaneWidth(hours(1), hours(1)), seconds(225));
  // 7 d + 1 d: 6 h panes, 32 of them.
  const Duration week = ChooseLagPaneWidth(hours(24 * 7), hours(24), kDefaultReferencePanes, minutes(1));
  EXPECT_EQ(week, hours(6));
  EXPECT_EQ(hours(24 * 8) / week, 32);
  // A unit that does not divide the gcd is ignored.
  EXPECT_EQ(ChooseLagPaneWidth(seconds(60), seconds(30), 9, seconds(7)), seconds(10));
  // Zero lag: the span alone is split.
  EXPECT_EQ(ChooseLagPaneWidth(hours(1), Duration::zero(), kDefaultReferencePanes, minutes(1)), minutes(2));
}

TEST(LaggedReferenceTest, HandOffHoldsTheSpanOlderThanTheCurrentWindow) {
  // Current window 60 s in 6 panes of 10 s; reference 60 s lagging 60 s in
  // panes of 20 s, fed only with the panes the current window evicts.
  WindowOptions current_options;
  current_options.length = seconds(60);
  current_options.panes = 6;
  current_options.allowed_lateness = seconds(10);
  SlidingWindow current(current_options, kOneNumeric);
  LaggedReferenceOptions o;
  o.ref_length = seconds(60);
  o.lag = seconds(60);
  o.pane_width = seconds(20);
  ASSERT_FALSE(ValidateLaggedReferenceOptions(o).has_value());
  LaggedReference handed(o, kOneNumeric);
  LaggedReference direct(o, kOneNumeric);
  for (int t = 0; t < 335; ++t) {
    const std::vector<Value> row = {Value{static_cast<double>(t)}};
    ASSERT_EQ(current.Add(Timestamp{seconds(t)}, row, &handed), AddResult::kAccepted);
    handed.AdvanceTo(Timestamp{seconds(t)});
    ASSERT_EQ(direct.Add(Timestamp{seconds(t)}, row), AddResult::kAccepted);
  }
  // Watermark 334 s: the current window holds [280, 340); the reference spans
  // [220, 280) (reference.h: ends at (c - L + 1) w = 280 for c = 16, L = 3),
  // and here that is exactly where the current window starts.
  EXPECT_EQ(current.start(), Timestamp{seconds(280)});
  EXPECT_EQ(handed.start(), Timestamp{seconds(220)});
  EXPECT_EQ(handed.end(), Timestamp{seconds(280)});
  std::vector<double> expect;
  for (int t = 220; t < 280; ++t) expect.push_back(t);
  EXPECT_EQ(Sorted(handed.MergedNumeric(0)), expect);
  EXPECT_EQ(Sorted(direct.MergedNumeric(0)), expect);
  EXPECT_EQ(handed.events(), 60u);
  // Each event is held once: the handed-off reference holds nothing newer
  // than the current window's start, the directly fed one the lag too
  // (events 220 .. 334).
  EXPECT_EQ(handed.window().events(), 60u);
  EXPECT_EQ(direct.window().events(), 115u);
  EXPECT_LT(handed.MemoryBytes(), direct.MemoryBytes());

  // Mid-pane: watermark 345 s; current [290, 350), reference pane [280, 300)
  // is the newest in the span, and only [280, 290) has been handed off.
  for (int t = 335; t < 346; ++t) {
    (void)current.Add(Timestamp{seconds(t)}, std::vector<Value>{Value{static_cast<double>(t)}}, &handed);
  }
  EXPECT_EQ(handed.end(), Timestamp{seconds(300)});
  expect.clear();
  for (int t = 240; t < 290; ++t) expect.push_back(t);
  EXPECT_EQ(Sorted(handed.MergedNumeric(0)), expect);
}

}  // namespace
}  // namespace driftd::detectors
