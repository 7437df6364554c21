// Distances, divergences, binning and categorical tests: invalid input and
// hand-checkable values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "detectors/stats/binning.h"
#include "detectors/stats/categorical.h"
#include "detectors/stats/divergence.h"
#include "detectors/stats/wasserstein.h"

namespace driftd::detectors::stats {
namespace {

const std::vector<double> kEmpty;

TEST(Divergence, InvalidVectorsAreRejected) {
  const std::vector<double> a = {1, 2}, b = {1, 2, 3}, neg = {1, -1}, zero = {0, 0};
  EXPECT_FALSE(PopulationStabilityIndex(a, b).has_value());
  EXPECT_FALSE(KullbackLeibler(kEmpty, kEmpty).has_value());
  EXPECT_FALSE(JensenShannonDistance(a, neg).has_value());
  EXPECT_FALSE(HellingerDistance(a, zero).has_value());
}

TEST(Divergence, IdenticalHistogramsAreAtDistanceZero) {
  const std::vector<double> a = {3, 0, 7}, scaled = {30, 0, 70};
  EXPECT_EQ(*PopulationStabilityIndex(a, scaled), 0.0);
  EXPECT_NEAR(*KullbackLeibler(a, scaled), 0.0, 1e-15);
  EXPECT_EQ(*JensenShannonDistance(a, scaled), 0.0);
  EXPECT_NEAR(*HellingerDistance(a, scaled), 0.0, 1e-15);
}

// Disjoint supports: JS (base 2) and Hellinger reach their maximum 1; PSI
// without zero filling is infinite, with Evidently's filling finite.
TEST(Divergence, DisjointHistogramsAtTheBounds) {
  const std::vector<double> a = {5, 0}, b = {0, 5};
  EXPECT_NEAR(*JensenShannonDistance(a, b, 2.0), 1.0, 1e-15);
  EXPECT_NEAR(*HellingerDistance(a, b), 1.0, 1e-15);
  EXPECT_TRUE(std::isinf(*PopulationStabilityIndex(a, b, ZeroFill::kNone)));
  // Filled: 2 * (1 - 1e-4) * ln(1e4), by hand.
  EXPECT_NEAR(*PopulationStabilityIndex(a, b), 2 * (1 - 1e-4) * std::log(1e4), 1e-12);
}

TEST(Divergence, EvidentlyZeroFillUsesTinyShareBelowLimit) {
  std::vector<double> shares = {0.99995, 0.00005, 0.0};
  FillZeroShares(shares);
  EXPECT_DOUBLE_EQ(shares[2], 0.00005 / 1e6);
  std::vector<double> coarse = {0.5, 0.5, 0.0};
  FillZeroShares(coarse);
  EXPECT_DOUBLE_EQ(coarse[2], 1e-4);
}

TEST(Wasserstein, EmptyOrNonFiniteIsInvalid) {
  const std::vector<double> a = {1.0}, nan = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(Wasserstein1(kEmpty, a).has_value());
  EXPECT_FALSE(Wasserstein1(a, nan).has_value());
  const std::vector<double> w = {1.0}, bad_w = {-1.0};
  EXPECT_FALSE(WeightedWasserstein1(a, bad_w, a, w).has_value());
}

TEST(Wasserstein, NormalisedByReferenceSpreadWithFloor) {
  const std::vector<double> ref = {0, 2}, cur = {1, 3};  // std(ref) = 1, W1 = 1
  EXPECT_NEAR(*NormedWasserstein1(ref, cur), 1.0, 1e-15);
  const std::vector<double> constant = {5, 5}, shifted = {6, 6};  // std 0 -> floor 0.001
  EXPECT_NEAR(*NormedWasserstein1(constant, shifted), 1000.0, 1e-9);
}

TEST(Binning, ConstantColumnGetsUnitRange) {
  const auto edges = EqualWidthEdges(4.0, 4.0, 2);
  ASSERT_TRUE(edges.has_value());
  EXPECT_EQ(*edges, (std::vector<double>{3.5, 4.0, 4.5}));
  const std::vector<double> values = {4.0, 4.0, 3.5, 4.5, 10.0};
  // 4.0 sits on the inner edge and goes right; 4.5 is in the closed last bin.
  EXPECT_EQ(HistogramCounts(values, *edges), (std::vector<double>{1, 3}));
  EXPECT_FALSE(EqualWidthEdges(1.0, 0.0, 3).has_value());
  EXPECT_FALSE(EqualWidthEdges(0.0, 1.0, 0).has_value());
}

TEST(Categorical, InvalidCountsAreRejected) {
  const std::vector<double> a = {1, 2}, zero = {0, 0}, b = {1, 2, 3};
  EXPECT_FALSE(ChiSquareGoodnessOfFit(a, b).has_value());
  EXPECT_FALSE(ChiSquareContingency(a, zero).has_value());
  EXPECT_FALSE(UnseenShare(kEmpty, kEmpty).has_value());
  EXPECT_FALSE(TwoProportionZTest(5, 0, 1, 10).has_value());
  EXPECT_FALSE(TwoProportionZTest(11, 10, 1, 10).has_value());
}

TEST(Categorical, SingleCategoryHasNoEvidence) {
  const std::vector<double> a = {10, 0}, b = {7, 0};
  const auto gof = ChiSquareGoodnessOfFit(a, b);
  ASSERT_TRUE(gof.has_value());
  EXPECT_EQ(*gof->p_value, 1.0);
  const auto z = TwoProportionZTest(10, 10, 7, 7);  // constant in both windows
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ(*z->p_value, 1.0);
}

// By hand: ref shares {0.5, 0.5, 0}, cur shares {0.25, 0.25, 0.5}.
TEST(Categorical, DistancesAndUnseenShareByHand) {
  const std::vector<double> ref = {10, 10, 0}, cur = {1, 1, 2};
  EXPECT_DOUBLE_EQ(*LInfinityDistance(ref, cur), 0.5);
  EXPECT_DOUBLE_EQ(*TotalVariationDistance(ref, cur), 0.5);
  EXPECT_DOUBLE_EQ(*UnseenShare(ref, cur), 0.5);
  const std::vector<double> seen = {1, 1, 0};
  EXPECT_EQ(*UnseenShare(ref, seen), 0.0);
}

}  // namespace
}  // namespace driftd::detectors::stats
