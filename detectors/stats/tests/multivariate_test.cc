// MMD and PCA reconstruction error: invalid input, determinism and power.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "detectors/stats/mmd.h"
#include "detectors/stats/pca_error.h"

namespace driftd::detectors::stats {
namespace {

// A deterministic, well-spread 2-D point cloud (no RNG in tests).
std::vector<double> Cloud(int n, double shift) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(std::sin(i * 1.3) * 2 + shift);
    out.push_back(std::cos(i * 0.7) + 0.5 * std::sin(i * 2.1));
  }
  return out;
}

TEST(Mmd, InvalidShapesAreRejected) {
  const std::vector<double> a = {1, 2, 3}, b = {1, 2, 3, 4};
  EXPECT_FALSE(MaximumMeanDiscrepancy(a, b, 2).has_value());  // 3 not a multiple of 2
  EXPECT_FALSE(MaximumMeanDiscrepancy(b, b, 0).has_value());
  EXPECT_FALSE(MaximumMeanDiscrepancy(b, b, 4).has_value());  // one row each
}

TEST(Mmd, SameSeedSameResult) {
  const auto x = Cloud(40, 0.0), y = Cloud(30, 0.2);
  const auto a = MaximumMeanDiscrepancy(x, y, 2, {.permutations = 50, .seed = 7});
  const auto b = MaximumMeanDiscrepancy(x, y, 2, {.permutations = 50, .seed = 7});
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->test.statistic, b->test.statistic);
  EXPECT_EQ(*a->test.p_value, *b->test.p_value);
  EXPECT_EQ(a->test.method, PValueMethod::kPermutation);
}

TEST(Mmd, ShiftedCloudIsDetectedAndSameCloudIsNot) {
  const auto x = Cloud(40, 0.0);
  const auto shifted = MaximumMeanDiscrepancy(x, Cloud(40, 3.0), 2, {.permutations = 99});
  ASSERT_TRUE(shifted.has_value());
  EXPECT_DOUBLE_EQ(*shifted->test.p_value, 0.01);  // no permutation reaches it: 1 / (1 + 99)
  const auto same = MaximumMeanDiscrepancy(x, x, 2, {.permutations = 99});
  ASSERT_TRUE(same.has_value());
  EXPECT_GT(*same->test.p_value, 0.2);
}

TEST(PcaReconstruction, InvalidInputIsRejected) {
  const std::vector<double> one_row = {1, 2, 3};
  EXPECT_FALSE(PcaReconstruction::Fit(one_row, 3).has_value());
  EXPECT_FALSE(PcaReconstruction::Fit(Cloud(10, 0), 2, 0.0).has_value());
  const auto model = PcaReconstruction::Fit(Cloud(10, 0), 2);
  ASSERT_TRUE(model.has_value());
  EXPECT_FALSE(model->MeanError(one_row).has_value());
  EXPECT_FALSE(model->MeanError({}).has_value());
}

// Points on a line in 3-D are reconstructed exactly by one component; points
// off the line are not.
TEST(PcaReconstruction, LineIsReconstructedExactly) {
  std::vector<double> ref;
  for (int i = 0; i < 20; ++i) {
    const double t = i * 0.5;
    ref.insert(ref.end(), {t, 2 * t + 1, -t});
  }
  const auto model = PcaReconstruction::Fit(ref, 3);
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->components(), 1u);
  EXPECT_NEAR(*model->MeanError(ref), 0.0, 1e-12);
  const std::vector<double> off = {1, 0, 1, 2, 0, 2};
  EXPECT_GT(*model->MeanError(off), 0.5);
}

}  // namespace
}  // namespace driftd::detectors::stats
