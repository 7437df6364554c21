// Anderson-Darling and Cramér-von Mises: invalid input and method selection.
#include <gtest/gtest.h>

#include <vector>

#include "detectors/stats/anderson.h"
#include "detectors/stats/cvm.h"

namespace driftd::detectors::stats {
namespace {

TEST(CramerVonMises, TooSmallSamplesAreInvalid) {
  const std::vector<double> one = {1.0}, two = {1.0, 2.0};
  EXPECT_FALSE(CramerVonMises2Sample(one, two).has_value());
  EXPECT_FALSE(CramerVonMises2Sample(two, one).has_value());
}

TEST(CramerVonMises, AutoPicksExactUpToTwenty) {
  std::vector<double> a(20), b(21);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<double>(i) + 0.5;
  EXPECT_EQ(CramerVonMises2Sample(a, a)->method, PValueMethod::kExact);
  EXPECT_EQ(CramerVonMises2Sample(a, b)->method, PValueMethod::kAsymptotic);
}

// Two samples of two: U takes its maximum only for the two separated
// orderings out of C(4, 2) = 6, so P(U >= max) = 1/3 (hand count).
TEST(CramerVonMises, ExactSeparatedPairs) {
  const std::vector<double> a = {1, 2}, b = {3, 4};
  const auto r = CramerVonMises2Sample(a, b);
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(*r->p_value, 2.0 / 6.0, 1e-15);
}

TEST(AndersonKSample, RejectsDegenerateInput) {
  const std::vector<double> a = {1, 2, 3}, empty, same = {2, 2, 2};
  EXPECT_FALSE(AndersonKSample({a}).has_value());
  EXPECT_FALSE(AndersonKSample({a, empty}).has_value());
  EXPECT_FALSE(AndersonKSample({same, same}).has_value());  // one distinct value
}

TEST(AndersonKSample, PValueIsCappedAndFloored) {
  std::vector<double> a(50), b(50), far(50);
  for (size_t i = 0; i < 50; ++i) {
    a[i] = static_cast<double>(i);
    b[i] = static_cast<double>(i) + 0.25;
    far[i] = static_cast<double>(i) + 100;
  }
  EXPECT_EQ(*AndersonDarling2Sample(a, b)->p_value, 0.25);
  EXPECT_EQ(*AndersonDarling2Sample(a, far)->p_value, 0.001);
}

}  // namespace
}  // namespace driftd::detectors::stats
