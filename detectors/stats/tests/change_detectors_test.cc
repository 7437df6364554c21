// Page-Hinkley, ADWIN and CUSUM on hand-built streams.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "detectors/stats/adwin.h"
#include "detectors/stats/cusum.h"
#include "detectors/stats/page_hinkley.h"

namespace driftd::detectors::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(PageHinkley, ConstantStreamNeverDrifts) {
  PageHinkley ph;
  for (int i = 0; i < 5000; ++i) EXPECT_FALSE(ph.Update(1.0));
}

TEST(PageHinkley, NonFiniteValuesAreIgnored) {
  PageHinkley ph;
  EXPECT_FALSE(ph.Update(kNaN));
  EXPECT_EQ(ph.count(), 0);
}

// With threshold 1 and delta 0, a jump from 0 to 1 after 30 zeros: the
// increase statistic exceeds 1 at the third value of the new level.
TEST(PageHinkley, DetectsUpwardJumpAndRestarts) {
  PageHinkley ph({.min_instances = 1, .delta = 0.0, .threshold = 1.0, .alpha = 1.0,
                  .mode = ChangeDirection::kUp});
  for (int i = 0; i < 30; ++i) ASSERT_FALSE(ph.Update(0.0));
  // Deviations x - mean after 30 zeros: 30/31, then 29/32*... accumulate; hand
  // check: 0.9677 (1st), 0.9677 + 0.9375 = 1.905 > 1 at the 2nd.
  EXPECT_FALSE(ph.Update(1.0));
  EXPECT_TRUE(ph.Update(1.0));
  EXPECT_FALSE(ph.Update(1.0));  // restarted: one value seen
  EXPECT_EQ(ph.count(), 1);
}

TEST(Adwin, StableStreamNeverDrifts) {
  Adwin adwin;
  for (int i = 0; i < 3000; ++i) EXPECT_FALSE(adwin.Update(i % 2));
  EXPECT_NEAR(adwin.estimation(), 0.5, 0.01);
}

TEST(Adwin, DetectsMeanShiftWithinTwoClockTicks) {
  Adwin adwin;
  for (int i = 0; i < 1024; ++i) ASSERT_FALSE(adwin.Update(0.0));
  int detected_at = -1;
  for (int i = 0; i < 200 && detected_at < 0; ++i) {
    if (adwin.Update(1.0)) detected_at = i;
  }
  ASSERT_GE(detected_at, 0);
  EXPECT_LT(detected_at, 64);  // checks run every 32 values
}

TEST(Cusum, WarmUpFreezesReference) {
  Cusum cusum({.min_instances = 4});
  for (double v : {1.0, 2.0, 3.0}) EXPECT_FALSE(cusum.Update(v));
  EXPECT_FALSE(cusum.reference().has_value());
  EXPECT_FALSE(cusum.Update(2.0));
  ASSERT_TRUE(cusum.reference().has_value());
  EXPECT_DOUBLE_EQ(*cusum.reference(), 2.0);
}

// Reference mean 2, sample sd sqrt(2/3) of {1,2,3,2}; slack 0.5 sd, limit 5 sd
// = 4.08. Values of 5 add 3 - 0.41 = 2.59 each: S+ = 2.59, 5.18 > 4.08 at the
// second one (hand computation).
TEST(Cusum, DetectsSustainedIncreaseByHand) {
  Cusum cusum({.min_instances = 4});
  for (double v : {1.0, 2.0, 3.0, 2.0}) ASSERT_FALSE(cusum.Update(v));
  EXPECT_FALSE(cusum.Update(5.0));
  EXPECT_NEAR(cusum.sum_increase(), 3 - 0.5 * std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_TRUE(cusum.Update(5.0));
}

}  // namespace
}  // namespace driftd::detectors::stats
