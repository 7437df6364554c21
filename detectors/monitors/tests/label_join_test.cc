#include "detectors/monitors/label_join.h"

#include <gtest/gtest.h>

#include "fake_clock.h"

namespace driftd::detectors {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = testing::FakeClock().Now();

JoinPrediction P(double score) { return {score, score >= 0.5 ? 1 : 0}; }

TEST(LabelJoinTest, LateLabelJoinsItsPrediction) {
  LabelJoin join(48h, 100);
  EXPECT_FALSE(join.AddPrediction("a", kT0, P(0.9)).has_value());
  EXPECT_EQ(join.pending_predictions(), 1u);
  const auto pair = join.AddLabel("a", kT0 + 30h, Value(1.0));
  ASSERT_TRUE(pair.has_value());
  EXPECT_EQ(pair->prediction, P(0.9));
  EXPECT_EQ(pair->label, Value(1.0));
  EXPECT_EQ(pair->prediction_ts, kT0);
  EXPECT_EQ(pair->label_ts, kT0 + 30h);
  EXPECT_EQ(join.counters().joined, 1u);
  EXPECT_EQ(join.pending_predictions(), 0u);
}

TEST(LabelJoinTest, EarlyLabelWaitsForItsPrediction) {
  LabelJoin join(48h, 100);
  EXPECT_FALSE(join.AddLabel("b", kT0, Value(0.0)).has_value());
  EXPECT_EQ(join.counters().early_labels, 1u);
  EXPECT_EQ(join.pending_labels(), 1u);
  const auto pair = join.AddPrediction("b", kT0 + 1s, P(0.2));
  ASSERT_TRUE(pair.has_value());
  EXPECT_EQ(pair->label, Value(0.0));
  EXPECT_EQ(join.counters().joined, 1u);
  EXPECT_EQ(join.pending_labels(), 0u);
}

TEST(LabelJoinTest, DuplicateLabelIsCountedNotJoinedTwice) {
  LabelJoin join(48h, 100);
  join.AddPrediction("c", kT0, P(0.7));
  ASSERT_TRUE(join.AddLabel("c", kT0 + 1h, Value(1.0)).has_value());
  EXPECT_FALSE(join.AddLabel("c", kT0 + 2h, Value(1.0)).has_value());
  EXPECT_EQ(join.counters().joined, 1u);
  EXPECT_EQ(join.counters().duplicate_labels, 1u);
  EXPECT_EQ(join.pending_labels(), 0u) << "a duplicate must not wait as an early label";
}

TEST(LabelJoinTest, DuplicatePredictionReplacesThePendingOne) {
  LabelJoin join(48h, 100);
  join.AddPrediction("d", kT0, P(0.1));
  join.AddPrediction("d", kT0 + 1s, P(0.8));
  EXPECT_EQ(join.counters().duplicate_predictions, 1u);
  const auto pair = join.AddLabel("d", kT0 + 1h, Value(1.0));
  ASSERT_TRUE(pair.has_value());
  EXPECT_EQ(pair->prediction, P(0.8));
}

TEST(LabelJoinTest, NeverArrivingLabelExpiresOnTheClock) {
  testing::FakeClock clock(kT0);
  LabelJoin join(48h, 100);
  join.AddPrediction("e", clock.Now(), P(0.9));
  clock.Advance(47h);
  join.Expire(clock.Now());
  EXPECT_EQ(join.pending_predictions(), 1u);
  clock.Advance(2h);
  join.Expire(clock.Now());
  EXPECT_EQ(join.pending_predictions(), 0u);
  EXPECT_EQ(join.counters().expired_predictions, 1u);
  // Its label, arriving after the timeout, waits as an early label and is
  // orphaned in turn.
  EXPECT_FALSE(join.AddLabel("e", clock.Now(), Value(1.0)).has_value());
  clock.Advance(49h);
  join.Expire(clock.Now());
  EXPECT_EQ(join.counters().orphaned_labels, 1u);
  EXPECT_EQ(join.counters().joined, 0u);
}

TEST(LabelJoinTest, CapEvictsOldestAndCounts) {
  LabelJoin join(48h, 3);
  for (int i = 0; i < 5; ++i)
    join.AddPrediction("p" + std::to_string(i), kT0 + std::chrono::seconds(i), P(0.5));
  EXPECT_EQ(join.pending_predictions(), 3u);
  EXPECT_EQ(join.counters().evicted_predictions, 2u);
  EXPECT_FALSE(join.AddLabel("p0", kT0 + 1h, Value(1.0)).has_value()) << "p0 was evicted";
  EXPECT_TRUE(join.AddLabel("p4", kT0 + 1h, Value(1.0)).has_value());
  for (int i = 0; i < 5; ++i) join.AddLabel("l" + std::to_string(i), kT0, Value(1.0));
  EXPECT_LE(join.pending_labels(), 3u);
  EXPECT_GE(join.counters().evicted_labels, 2u);
}

TEST(LabelJoinTest, MissingIdsAreCounted) {
  LabelJoin join(48h, 10);
  join.AddPrediction("", kT0, P(0.5));
  join.AddLabel("", kT0, Value(1.0));
  EXPECT_EQ(join.counters().missing_id, 2u);
  EXPECT_EQ(join.pending_predictions(), 0u);
}

TEST(LabelJoinTest, ManyJoinsKeepMemoryBounded) {
  LabelJoin join(1h, 50);
  for (int i = 0; i < 10000; ++i) {
    const std::string id = std::to_string(i);
    join.AddPrediction(id, kT0 + std::chrono::seconds(i), P(0.3));
    ASSERT_TRUE(join.AddLabel(id, kT0 + std::chrono::seconds(i), Value(0.0)).has_value());
  }
  EXPECT_EQ(join.counters().joined, 10000u);
  EXPECT_EQ(join.pending_predictions(), 0u);
  std::string state;
  join.AppendTo(&state);
  EXPECT_LT(state.size(), 4096u) << "joined-id memory must stay within max_pending";
}

TEST(LabelJoinTest, StateRoundTrips) {
  LabelJoin join(48h, 100);
  join.AddPrediction("x", kT0, P(0.9));
  join.AddLabel("y", kT0, Value(std::string("1")));
  join.AddPrediction("z", kT0, P(0.2));
  join.AddLabel("z", kT0 + 1h, Value(0.0));
  std::string bytes;
  join.AppendTo(&bytes);
  LabelJoin back(48h, 100);
  std::string_view in(bytes);
  ASSERT_TRUE(back.ParseFrom(&in));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(back.counters(), join.counters());
  EXPECT_EQ(back.pending_predictions(), 1u);
  EXPECT_EQ(back.pending_labels(), 1u);
  EXPECT_TRUE(back.AddLabel("x", kT0 + 2h, Value(1.0)).has_value());
  EXPECT_TRUE(back.AddPrediction("y", kT0 + 2h, P(0.6)).has_value());
  EXPECT_FALSE(back.AddLabel("z", kT0 + 2h, Value(0.0)).has_value());
  EXPECT_EQ(back.counters().duplicate_labels, 1u);
}

}  // namespace
}  // namespace driftd::detectors
