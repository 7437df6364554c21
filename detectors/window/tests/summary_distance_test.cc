#include "detectors/window/summary_distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include "detectors/window/tests/oracles.h"

namespace driftd::detectors {
namespace {

NumericSummary Exact(const std::vector<double>& v) {
  NumericSummary s(NumericSummaryOptions{v.size() + 1, 200, 0});
  for (double x : v) s.Add(x);
  return s;
}

TEST(SummaryDistanceTest, HandComputedExamples) {
  // a = {1,2,3}, b = {2,3,4}: F_a - F_b is 1/3 on [1,4) and 0 elsewhere, so
  // D = 1/3 and W1 = 3 * 1/3 = 1 (b is a shifted by 1). Hand computation
  // from the definitions in summary_distance.h.
  const auto ks = KsDistance(Exact({1, 2, 3}), Exact({2, 3, 4}));
  const auto w1 = Wasserstein1Distance(Exact({1, 2, 3}), Exact({2, 3, 4}));
  ASSERT_TRUE(ks && w1);
  EXPECT_DOUBLE_EQ(ks->value, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(w1->value, 1.0);
  EXPECT_EQ(ks->mode, SummaryMode::kExact);
  EXPECT_EQ(ks->error_bound, 0.0);
  // Ties across samples: a = {0,0,1}, b = {0,1,1}: F_a(0) = 2/3, F_b(0) = 1/3,
  // so D = 1/3; W1 = 1/3 * (1 - 0).
  const auto tie_ks = KsDistance(Exact({0, 0, 1}), Exact({0, 1, 1}));
  const auto tie_w1 = Wasserstein1Distance(Exact({0, 0, 1}), Exact({0, 1, 1}));
  EXPECT_DOUBLE_EQ(tie_ks->value, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(tie_w1->value, 1.0 / 3.0);
}

TEST(SummaryDistanceTest, EmptyInputHasNoDistance) {
  EXPECT_FALSE(KsDistance(Exact({}), Exact({1})).has_value());
  EXPECT_FALSE(Wasserstein1Distance(Exact({1}), Exact({})).has_value());
}

TEST(SummaryDistanceTest, ExactModeMatchesBruteForce) {
  struct Case {
    std::size_t n, m;
    int levels;  // values drawn from {0..levels-1} (ties), or continuous when 0
    double shift;
  };
  const Case cases[] = {{50, 50, 0, 0.0}, {37, 113, 0, 0.5}, {200, 80, 5, 1.0}, {1, 9, 3, 0.0}, {150, 150, 2, 0.0}};
  std::mt19937_64 rng(2024);
  for (const Case& c : cases) {
    std::normal_distribution<double> normal(0, 1);
    std::uniform_int_distribution<int> level(0, std::max(c.levels - 1, 0));
    auto draw = [&](double shift) { return c.levels > 0 ? level(rng) + shift : normal(rng) + shift; };
    std::vector<double> a(c.n), b(c.m);
    for (double& x : a) x = draw(0.0);
    for (double& x : b) x = draw(c.shift);
    const auto ks = KsDistance(Exact(a), Exact(b));
    const auto w1 = Wasserstein1Distance(Exact(a), Exact(b));
    ASSERT_TRUE(ks && w1);
    EXPECT_EQ(ks->mode, SummaryMode::kExact);
    // KS: both sides are ratios of the same integers: equal to the last bit.
    EXPECT_EQ(ks->value, testing::BruteKs(a, b)) << c.n << "," << c.m;
    // W1 sums the same areas in a different order: equal to rounding.
    EXPECT_NEAR(w1->value, testing::BruteW1(a, b), 1e-12 * (1 + w1->value)) << c.n << "," << c.m;
  }
}

struct Scenario {
  const char* name;
  int kind;
};

void Fill(int kind, bool shifted, std::mt19937_64& rng, std::vector<double>* out) {
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::lognormal_distribution<double> lognormal(0, 1);
  for (double& x : *out) {
    switch (kind) {
      case 0: x = normal(rng) + (shifted ? 0.1 : 0.0); break;
      case 1: x = uniform(rng) * (shifted ? 1.05 : 1.0); break;
      case 2: x = lognormal(rng) * (shifted ? 1.1 : 1.0); break;
      default: x = 1e6 + 1e-3 * normal(rng) + (shifted ? 2e-4 : 0.0); break;
    }
  }
}

// The acceptance test: on 10^6-value streams the sketch-based KS and
// W1 stay within their stated bounds of the exact values computed on the full
// sorted data.
TEST(SummaryDistanceTest, SketchEstimatesWithinBoundsOnMillionValueStreams) {
  const Scenario scenarios[] = {{"normal vs shifted normal", 0},
                                {"uniform vs stretched uniform", 1},
                                {"lognormal vs scaled lognormal", 2},
                                {"1e6 + N(0,1e-3) vs shifted", 3}};
  constexpr std::size_t kN = 1000000;
  for (const Scenario& sc : scenarios) {
    std::mt19937_64 rng(31 + static_cast<std::uint64_t>(sc.kind));
    std::vector<double> a(kN), b(kN);
    Fill(sc.kind, false, rng, &a);
    Fill(sc.kind, true, rng, &b);
    NumericSummary sa(NumericSummaryOptions{10000, 200, 1}), sb(NumericSummaryOptions{10000, 200, 2});
    for (double x : a) sa.Add(x);
    for (double x : b) sb.Add(x);
    ASSERT_EQ(sa.mode(), SummaryMode::kSketch);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    const auto exact_ks = KsDistance(WeightedSortedView::Borrow(a), WeightedSortedView::Borrow(b));
    const auto exact_w1 = Wasserstein1Distance(WeightedSortedView::Borrow(a), WeightedSortedView::Borrow(b));
    const auto ks = KsDistance(sa, sb);
    const auto w1 = Wasserstein1Distance(sa, sb);
    ASSERT_TRUE(exact_ks && exact_w1 && ks && w1);
    EXPECT_EQ(ks->mode, SummaryMode::kSketch);
    EXPECT_DOUBLE_EQ(ks->error_bound, sa.epsilon() + sb.epsilon());
    std::cout << sc.name << ": KS exact " << exact_ks->value << " sketch " << ks->value << " |err| "
              << std::abs(ks->value - exact_ks->value) << " bound " << ks->error_bound << "; W1 exact "
              << exact_w1->value << " sketch " << w1->value << " |err| "
              << std::abs(w1->value - exact_w1->value) << " bound " << w1->error_bound << "\n";
    EXPECT_LE(std::abs(ks->value - exact_ks->value), ks->error_bound) << sc.name;
    EXPECT_LE(std::abs(w1->value - exact_w1->value), w1->error_bound) << sc.name;
    // The drift is visible through the sketches: D well above the error bound.
    EXPECT_GT(ks->value, ks->error_bound) << sc.name;
  }
}

TEST(SummaryDistanceTest, MixedExactAndSketchUsesOnlyTheSketchError) {
  std::mt19937_64 rng(8);
  std::vector<double> a(100000), b(500);
  Fill(0, false, rng, &a);
  Fill(0, true, rng, &b);
  NumericSummary sa(NumericSummaryOptions{1000, 200, 3});
  for (double x : a) sa.Add(x);
  const NumericSummary sb = Exact(b);
  const auto ks = KsDistance(sa, sb);
  ASSERT_TRUE(ks);
  EXPECT_EQ(ks->mode, SummaryMode::kSketch);
  EXPECT_EQ(ks->error_bound, sa.epsilon());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const auto exact = KsDistance(WeightedSortedView::Borrow(a), WeightedSortedView::Borrow(b));
  EXPECT_LE(std::abs(ks->value - exact->value), ks->error_bound);
}

TEST(SummaryDistanceTest, KsCriticalDistanceMatchesFormula) {
  // 1.358 * sqrt(2 / 10000) for n = m = 10000.
  EXPECT_NEAR(KsCriticalDistance(10000, 10000), 0.019205, 1e-6);
}

}  // namespace
}  // namespace driftd::detectors
