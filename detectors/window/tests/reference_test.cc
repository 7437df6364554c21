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

}  // namespace
}  // namespace driftd::detectors
