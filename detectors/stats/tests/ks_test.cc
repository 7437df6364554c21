// Behaviour of the KS test beyond the oracle tables: invalid input, method
// selection and hand-checkable small cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "detectors/stats/ks.h"

namespace driftd::detectors::stats {
namespace {

TEST(KolmogorovSmirnov, EmptyWindowIsInvalid) {
  const std::vector<double> empty, one = {1.0};
  EXPECT_FALSE(KolmogorovSmirnov(empty, one).has_value());
  EXPECT_FALSE(KolmogorovSmirnov(one, empty).has_value());
}

TEST(KolmogorovSmirnov, NonFiniteValueIsInvalid) {
  const std::vector<double> a = {1.0, std::numeric_limits<double>::quiet_NaN()}, b = {1.0, 2.0};
  EXPECT_FALSE(KolmogorovSmirnov(a, b).has_value());
}

TEST(KolmogorovSmirnov, IdenticalSamplesHaveNoEvidence) {
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const auto r = KolmogorovSmirnov(a, a);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->statistic, 0.0);
  EXPECT_EQ(*r->p_value, 1.0);
  EXPECT_EQ(r->method, PValueMethod::kExact);
}

// Disjoint samples of sizes 3 and 3: D = 1 and P(D >= 1) = 2 / C(6, 3) = 0.1,
// the two extreme orderings out of 20 (hand count).
TEST(KolmogorovSmirnov, DisjointSmallSamplesByHand) {
  const std::vector<double> a = {1, 2, 3}, b = {4, 5, 6};
  const auto r = KolmogorovSmirnov(a, b);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->statistic, 1.0);
  EXPECT_NEAR(*r->p_value, 0.1, 1e-15);
}

TEST(KolmogorovSmirnov, AutoSwitchesToAsymptoticAboveTenThousand) {
  std::vector<double> a(kKsMaxExactSize + 1), b(20);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i) / a.size();
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<double>(i) / b.size();
  const auto r = KolmogorovSmirnov(a, b);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, PValueMethod::kAsymptotic);
  const auto exact = KolmogorovSmirnov(a, b, KsMethod::kExact);
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->method, PValueMethod::kExact);
  // Both approximate the same probability; the asymptotic one is close.
  EXPECT_NEAR(*r->p_value, *exact->p_value, 0.05);
}

TEST(KolmogorovSmirnov, ExactPValueRejectsBadArguments) {
  EXPECT_FALSE(KsExactPValue(0, 3, 1).has_value());
  EXPECT_FALSE(KsExactPValue(3, 3, -1).has_value());
  EXPECT_EQ(KsExactPValue(3, 4, 0), 1.0);
}

TEST(KolmogorovSmirnov, KolmogorovSfAtSupportEnds) {
  EXPECT_EQ(KolmogorovSf(10, 0.0), 1.0);
  EXPECT_EQ(KolmogorovSf(10, 1.0), 0.0);
  // Below 1/(2n) no sample can have a smaller D: sf is 1.
  EXPECT_EQ(KolmogorovSf(10, 0.04), 1.0);
  // Above 1 - 1/n (t >= n - 1): sf = 2 (1 - x)^n exactly.
  EXPECT_NEAR(KolmogorovSf(10, 0.95), 2 * std::pow(0.05, 10), 1e-25);
}

}  // namespace
}  // namespace driftd::detectors::stats
