#include "detectors/window/numeric_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace driftd::detectors {
namespace {

// Adds the same n draws to both summaries (to check they continue alike).
void AddToBoth(NumericSummary& a, NumericSummary& b, int n, std::normal_distribution<double>& dist,
               std::mt19937_64& rng) {
  for (int i = 0; i < n; ++i) {
    const double x = dist(rng);
    a.Add(x);
    b.Add(x);
  }
}

NumericSummaryOptions Opts(std::size_t exact_up_to, int k = 200, std::uint64_t seed = 1) {
  return NumericSummaryOptions{exact_up_to, k, seed};
}

NumericSummary RoundTrip(const NumericSummary& s) {
  std::string bytes;
  s.AppendTo(&bytes);
  std::string_view in = bytes;
  std::optional<NumericSummary> p = NumericSummary::Parse(&in);
  EXPECT_TRUE(p.has_value());
  EXPECT_TRUE(in.empty());
  return p ? *p : NumericSummary();
}

TEST(NumericSummaryTest, CountsNonFiniteMissingAndNonNumericApart) {
  NumericSummary s(Opts(100));
  s.Add(1.0);
  s.Add(std::numeric_limits<double>::quiet_NaN());
  s.Add(std::numeric_limits<double>::infinity());
  s.Add(-std::numeric_limits<double>::infinity());
  s.AddMissing();
  s.AddNonNumeric();
  s.Add(3.0);
  EXPECT_EQ(s.count(), 2u);
  EXPECT_EQ(s.nan_count(), 1u);
  EXPECT_EQ(s.inf_count(), 2u);
  EXPECT_EQ(s.missing_count(), 1u);
  EXPECT_EQ(s.non_numeric_count(), 1u);
  EXPECT_EQ(s.min(), 1.0);
  EXPECT_EQ(s.max(), 3.0);
  EXPECT_EQ(s.sum(), 4.0);
  EXPECT_EQ(s.sample().size(), 2u);
}

TEST(NumericSummaryTest, MomentsMatchTwoPassComputationEvenWithLargeOffset) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0, 1e-3);
  std::vector<double> v(100000);
  for (double& x : v) x = 1e6 + noise(rng);
  NumericSummary a(Opts(10)), b(Opts(10));
  for (std::size_t i = 0; i < v.size(); ++i) (i % 3 == 0 ? a : b).Add(v[i]);
  a.Merge(b);
  // Oracle: two-pass mean and variance in long double (64-bit mantissa).
  long double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<long double>(v.size());
  long double m2 = 0;
  for (double x : v) m2 += (x - mean) * (x - mean);
  const double var = static_cast<double>(m2 / static_cast<long double>(v.size()));
  EXPECT_NEAR(a.mean(), static_cast<double>(mean), 1e-13 * 1e6);
  // A sum-of-squares formula would lose every digit here (1e12 - 1e12); the
  // Welford/Chan form keeps at least seven.
  EXPECT_NEAR(a.variance(), var, 1e-7 * var);
  EXPECT_NEAR(a.sample_variance(), var * v.size() / (v.size() - 1.0), 1e-7 * var);
}

TEST(NumericSummaryTest, SwitchesToSketchPastExactUpTo) {
  NumericSummary s(Opts(1000));
  for (int i = 0; i < 1000; ++i) s.Add(i);
  EXPECT_EQ(s.mode(), SummaryMode::kExact);
  EXPECT_EQ(s.epsilon(), 0.0);
  s.Add(1000);
  EXPECT_EQ(s.mode(), SummaryMode::kSketch);
  EXPECT_EQ(s.sample().size(), 0u);
  EXPECT_EQ(s.sketch().count(), 1001u);
  EXPECT_EQ(s.count(), 1001u);
  EXPECT_GT(s.epsilon(), 0.0);
  EXPECT_TRUE(s.SortedSample().empty());
}

TEST(NumericSummaryTest, ZeroExactUpToMeansSketchFromTheStart) {
  NumericSummary s(Opts(0));
  EXPECT_EQ(s.mode(), SummaryMode::kSketch);
  s.Add(1);
  EXPECT_EQ(s.sketch().count(), 1u);
}

TEST(NumericSummaryTest, SortedSampleRequiresSort) {
  NumericSummary s(Opts(100));
  for (double x : {3.0, 1.0, 2.0}) s.Add(x);
  EXPECT_FALSE(s.sorted());
  EXPECT_TRUE(s.SortedSample().empty());
  // The view sorts a copy when the sample is unsorted.
  EXPECT_DOUBLE_EQ(s.View().Cdf(1.5), 1.0 / 3.0);
  s.Sort();
  ASSERT_EQ(s.SortedSample().size(), 3u);
  EXPECT_EQ(s.SortedSample()[0], 1.0);
  EXPECT_EQ(s.SortedSample()[2], 3.0);
}

// Large samples take the radix-sort path of Sort() and View(); the result
// must be std::sort's order (oracle: std::sort of the same values) across
// signs, magnitudes from subnormal to 1e300, duplicates and both zeros.
TEST(NumericSummaryTest, SortOfLargeSampleMatchesStdSort) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> exponent(-300, 300);
  std::vector<double> values;
  for (int i = 0; i < 50000; ++i) {
    double x = normal(rng) * std::pow(10.0, exponent(rng));
    if (i % 97 == 0) x = 0.0;
    if (i % 101 == 0) x = -0.0;
    if (i % 103 == 0) x = std::numeric_limits<double>::denorm_min() * (i % 7 - 3);
    if (i % 5 == 0) x = std::round(normal(rng) * 3);  // many duplicates
    values.push_back(x);
  }
  NumericSummary summary(NumericSummaryOptions{.exact_up_to = 100000, .kll_k = 200, .seed = 0});
  for (double x : values) summary.Add(x);
  std::vector<double> expected = values;
  std::sort(expected.begin(), expected.end());
  const WeightedSortedView view = summary.View();  // unsorted: sorts a copy
  ASSERT_EQ(view.items().size(), expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), view.items().begin()));
  summary.Sort();
  ASSERT_TRUE(summary.sorted());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), summary.SortedSample().begin()));
  EXPECT_TRUE(std::is_sorted(summary.SortedSample().begin(), summary.SortedSample().end()));
}

TEST(NumericSummaryTest, MergeOfExactStaysExactWithinLimit) {
  NumericSummary a(Opts(10)), b(Opts(10));
  for (double x : {1.0, 5.0, 9.0}) a.Add(x);
  for (double x : {2.0, 4.0}) b.Add(x);
  a.Merge(b);
  EXPECT_EQ(a.mode(), SummaryMode::kExact);
  EXPECT_TRUE(a.sorted());  // both inputs were sorted: merged in order
  const std::vector<double> expect = {1, 2, 4, 5, 9};
  EXPECT_EQ(std::vector<double>(a.SortedSample().begin(), a.SortedSample().end()), expect);
  EXPECT_EQ(a.count(), 5u);
  EXPECT_DOUBLE_EQ(a.mean(), 21.0 / 5.0);
}

TEST(NumericSummaryTest, MergeBeyondLimitBecomesSketch) {
  NumericSummary a(Opts(10)), b(Opts(10));
  for (int i = 0; i < 6; ++i) a.Add(i);
  for (int i = 0; i < 6; ++i) b.Add(i + 6);
  a.Merge(b);
  EXPECT_EQ(a.mode(), SummaryMode::kSketch);
  EXPECT_EQ(a.count(), 12u);
  EXPECT_EQ(a.sketch().count(), 12u);
  // 12 values never compacted in a k = 200 sketch: still exact in content.
  EXPECT_EQ(a.epsilon(), 0.0);
  EXPECT_DOUBLE_EQ(a.View().Cdf(5.5), 0.5);
}

TEST(NumericSummaryTest, UncompactedSketchReturnsToExactWhenMergedIntoLargerLimit) {
  NumericSummary small(Opts(2)), big(Opts(100));
  for (int i = 0; i < 5; ++i) small.Add(i);
  ASSERT_EQ(small.mode(), SummaryMode::kSketch);
  big.Add(10);
  big.Merge(small);
  EXPECT_EQ(big.mode(), SummaryMode::kExact);
  big.Sort();
  EXPECT_EQ(big.SortedSample().size(), 6u);
  EXPECT_EQ(big.SortedSample().back(), 10.0);
}

TEST(NumericSummaryTest, HistogramFollowsNumpyConventionWithUnderAndOverflow) {
  auto edges = std::make_shared<const std::vector<double>>(std::vector<double>{0, 1, 2, 3});
  NumericSummary s(Opts(100), edges);
  // Bins [0,1) [1,2) [2,3]: 3 is in the last (closed) bin; -0.5 underflows,
  // 3.5 overflows; non-finite values are not binned.
  for (double x : {-0.5, 0.0, 0.999, 1.0, 2.5, 3.0, 3.5, std::numeric_limits<double>::quiet_NaN()}) s.Add(x);
  ASSERT_TRUE(s.has_histogram());
  const std::vector<std::uint64_t> expect = {2, 1, 2};
  EXPECT_EQ(std::vector<std::uint64_t>(s.bin_counts().begin(), s.bin_counts().end()), expect);
  EXPECT_EQ(s.underflow(), 1u);
  EXPECT_EQ(s.overflow(), 1u);
}

TEST(NumericSummaryTest, HistogramsMergeWithEqualEdgesAndDropOtherwise) {
  auto edges = std::make_shared<const std::vector<double>>(std::vector<double>{0, 1, 2});
  auto same = std::make_shared<const std::vector<double>>(std::vector<double>{0, 1, 2});
  auto other = std::make_shared<const std::vector<double>>(std::vector<double>{0, 5, 10});
  NumericSummary a(Opts(100), edges), b(Opts(100), same), c(Opts(100), other);
  a.Add(0.5);
  b.Add(1.5);
  b.Add(7);
  c.Add(0.5);
  a.Merge(b);
  ASSERT_TRUE(a.has_histogram());
  EXPECT_EQ(a.bin_counts()[0], 1u);
  EXPECT_EQ(a.bin_counts()[1], 1u);
  EXPECT_EQ(a.overflow(), 1u);
  a.Merge(c);
  EXPECT_FALSE(a.has_histogram());
}

TEST(NumericSummaryTest, InfiniteEdgesMakeOpenOuterBins) {
  const double inf = std::numeric_limits<double>::infinity();
  auto edges = std::make_shared<const std::vector<double>>(std::vector<double>{-inf, 0, inf});
  NumericSummary s(Opts(100), edges);
  for (double x : {-1e300, -1.0, 0.0, 1e300}) s.Add(x);
  EXPECT_EQ(s.bin_counts()[0], 2u);
  EXPECT_EQ(s.bin_counts()[1], 2u);
  EXPECT_EQ(s.underflow() + s.overflow(), 0u);
}

TEST(NumericSummaryTest, ValidBinEdgesRejectsBadEdges) {
  EXPECT_TRUE(ValidBinEdges(std::vector<double>{0, 1}));
  EXPECT_FALSE(ValidBinEdges(std::vector<double>{0}));
  EXPECT_FALSE(ValidBinEdges(std::vector<double>{0, 0}));
  EXPECT_FALSE(ValidBinEdges(std::vector<double>{1, 0}));
  EXPECT_FALSE(ValidBinEdges(std::vector<double>{0, std::nan("")}));
}

TEST(NumericSummaryTest, ClearReleasesLargeBuffersAndKeepsEdges) {
  auto edges = std::make_shared<const std::vector<double>>(std::vector<double>{0, 1});
  NumericSummary s(Opts(10000), edges);
  for (int i = 0; i < 5000; ++i) s.Add(i * 1e-4);
  const std::size_t before = s.MemoryBytes();
  s.Clear(64, 3);
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.mode(), SummaryMode::kExact);
  EXPECT_TRUE(s.has_histogram());
  EXPECT_EQ(s.bin_counts()[0], 0u);
  EXPECT_LT(s.MemoryBytes() + 5000 * sizeof(double) / 2, before);
}

TEST(NumericSummaryTest, RoundTripsExactSketchHistogramAndMerged) {
  auto edges = std::make_shared<const std::vector<double>>(std::vector<double>{-1, 0, 1});
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0, 1);
  NumericSummary exact(Opts(1000), edges), sketch(Opts(1000, 64, 5), edges);
  for (int i = 0; i < 500; ++i) exact.Add(normal(rng));
  exact.Add(std::numeric_limits<double>::quiet_NaN());
  exact.AddMissing();
  for (int i = 0; i < 20000; ++i) sketch.Add(normal(rng));
  for (const NumericSummary* s : {&exact, &sketch}) EXPECT_TRUE(RoundTrip(*s) == *s);
  NumericSummary merged = exact;
  merged.Merge(sketch);
  EXPECT_EQ(merged.mode(), SummaryMode::kSketch);
  const NumericSummary back = RoundTrip(merged);
  EXPECT_TRUE(back == merged);
  // A parsed summary continues exactly as the original.
  NumericSummary a = merged, b = back;
  AddToBoth(a, b, 5000, normal, rng);
  EXPECT_TRUE(a == b);
}

TEST(NumericSummaryTest, ParseRejectsTruncatedInput) {
  NumericSummary s(Opts(100));
  for (int i = 0; i < 50; ++i) s.Add(i);
  std::string bytes;
  s.AppendTo(&bytes);
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    std::string_view in(bytes.data(), cut);
    EXPECT_FALSE(NumericSummary::Parse(&in).has_value()) << cut;
  }
}

TEST(NumericSummaryTest, IdleSummaryAllocatesNoSketch) {
  NumericSummary exact;
  EXPECT_FALSE(exact.has_sketch());
  EXPECT_EQ(exact.MemoryBytes(), sizeof(NumericSummary));
  NumericSummary sketch({.exact_up_to = 0, .kll_k = 200, .seed = 1});
  EXPECT_EQ(sketch.mode(), SummaryMode::kSketch);
  EXPECT_FALSE(sketch.has_sketch());
  EXPECT_EQ(sketch.MemoryBytes(), sizeof(NumericSummary));
  EXPECT_EQ(sketch.sketch().count(), 0u);
  sketch.Add(1.0);
  EXPECT_TRUE(sketch.has_sketch());
  // Clear releases the sketch: a recycled pane holds nothing it does not use.
  sketch.Clear(0, 2);
  EXPECT_FALSE(sketch.has_sketch());
  EXPECT_EQ(sketch.MemoryBytes(), sizeof(NumericSummary));
}

TEST(NumericSummaryTest, SummaryWithoutSketchEqualsAndEncodesAsAnEmptySketch) {
  const NumericSummaryOptions o{.exact_up_to = 0, .kll_k = 100, .seed = 9};
  NumericSummary idle(o);
  NumericSummary emptied(o);
  emptied.Add(3.0);
  emptied.Clear(0, 9);
  EXPECT_TRUE(idle == emptied);
  std::string bytes;
  idle.AppendTo(&bytes);
  std::string_view in = bytes;
  auto back = NumericSummary::Parse(&in);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(in.empty());
  EXPECT_TRUE(*back == idle);
  EXPECT_FALSE(back->has_sketch());
}

TEST(NumericSummaryTest, ForcedSketchMergeKeepsSketchMode) {
  NumericSummary a({.exact_up_to = 100});
  NumericSummary b({.exact_up_to = 100});
  for (int i = 0; i < 5; ++i) b.Add(i);
  a.Merge(b, /*force_sketch=*/true);
  EXPECT_EQ(a.mode(), SummaryMode::kSketch);
  EXPECT_EQ(a.count(), 5u);
  EXPECT_EQ(a.sketch().count(), 5u);
  NumericSummary c({.exact_up_to = 100});
  c.Merge(b);
  EXPECT_EQ(c.mode(), SummaryMode::kExact);
}

TEST(NumericSummaryTest, PendingBatchIsVisibleEncodedAndContinuesIdentically) {
  // Moments fold every kBatch values; in between, the accessors and the
  // encoding must still include the pending values.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(5, 2);
  for (std::size_t n : {std::size_t{1}, NumericSummary::kBatch - 1, NumericSummary::kBatch,
                        3 * NumericSummary::kBatch + 5}) {
    for (std::size_t exact_up_to : {std::size_t{0}, std::size_t{1000}}) {
      NumericSummary s(Opts(exact_up_to));
      std::vector<double> v(n);
      for (double& x : v) {
        x = normal(rng);
        s.Add(x);
      }
      // Oracle: two-pass mean and variance in long double over the values.
      long double mean = 0;
      for (double x : v) mean += x;
      mean /= static_cast<long double>(n);
      long double m2 = 0;
      for (double x : v) m2 += (x - mean) * (x - mean);
      EXPECT_NEAR(s.mean(), static_cast<double>(mean), 1e-12) << n;
      EXPECT_NEAR(s.variance(), static_cast<double>(m2 / static_cast<long double>(n)), 1e-12) << n;
      EXPECT_EQ(s.min(), *std::min_element(v.begin(), v.end())) << n;
      EXPECT_EQ(s.max(), *std::max_element(v.begin(), v.end())) << n;
      NumericSummary back = RoundTrip(s);
      EXPECT_TRUE(back == s) << n;
      AddToBoth(s, back, 37, normal, rng);
      EXPECT_TRUE(back == s) << n;
      EXPECT_EQ(back.mean(), s.mean());
      EXPECT_EQ(back.variance(), s.variance());
    }
  }
}

TEST(NumericSummaryTest, ParseRejectsBadPendingValues) {
  NumericSummary s(Opts(0));               // sketch mode: moments in batches
  for (int i = 0; i < 11; ++i) s.Add(i);  // 3 pending
  std::string bytes;
  s.AppendTo(&bytes);
  // Mode byte after exact_up_to (8), k (4), seed (8); pending size after the
  // mode and sorted bytes, five counters and five moments.
  const std::size_t mode_at = 8 + 4 + 8;
  const std::size_t size_at = mode_at + 2 + 5 * 8 + 5 * 8;
  ASSERT_EQ(bytes[mode_at] & 2, 2);
  ASSERT_EQ(bytes[size_at], 3);
  for (char bad_size : {char{0}, static_cast<char>(NumericSummary::kBatch), char{12}}) {
    std::string bad = bytes;
    bad[size_at] = bad_size;
    std::string_view in = bad;
    EXPECT_FALSE(NumericSummary::Parse(&in).has_value()) << int{bad_size};
  }
  std::string no_flag = bytes;
  no_flag[mode_at] = 1;  // pending values present but not announced
  std::string_view in = no_flag;
  EXPECT_FALSE(NumericSummary::Parse(&in).has_value());
  // An exact summary never has pending values (each value is folded at once).
  std::string exact_pending = bytes;
  exact_pending[mode_at] = 2;
  in = exact_pending;
  EXPECT_FALSE(NumericSummary::Parse(&in).has_value());
}

TEST(NumericSummaryTest, ClearKeepingTheSketchContinuesAsANewSummary) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> normal(0, 1);
  NumericSummary reused(Opts(0, 200, 1));
  for (int i = 0; i < 5000; ++i) reused.Add(normal(rng));
  reused.Clear(0, 7, /*keep_sketch=*/true);
  EXPECT_TRUE(reused.has_sketch());
  NumericSummary fresh(Opts(0, 200, 7));
  AddToBoth(reused, fresh, 3000, normal, rng);
  // Same seed, same values: the same sketch (generator state included).
  EXPECT_TRUE(reused == fresh);
}

TEST(NumericSummaryTest, ReserveSizesTheExactBufferOnce) {
  NumericSummary s(Opts(100000));
  s.Reserve(50000);
  EXPECT_GE(s.MemoryBytes(), sizeof(NumericSummary) + 50000 * sizeof(double));
  const std::size_t reserved = s.MemoryBytes();
  for (int i = 0; i < 50000; ++i) s.Add(i);
  EXPECT_EQ(s.MemoryBytes(), reserved);
  NumericSummary sketch(Opts(10));
  sketch.Reserve(50000);  // beyond exact_up_to: nothing to reserve
  EXPECT_EQ(sketch.MemoryBytes(), sizeof(NumericSummary));
}

}  // namespace
}  // namespace driftd::detectors
