#include "detectors/sketch/kll.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "detectors/window/tests/oracles.h"

namespace driftd::detectors {
namespace {

// Max |sketch CDF - exact CDF| over every retained item and 2001 data quantiles.
double MaxRankError(const KllSketch& s, std::vector<double> data) {
  std::sort(data.begin(), data.end());
  const WeightedSortedView view = s.View();
  const double n = static_cast<double>(data.size());
  auto exact = [&](double x) {
    return static_cast<double>(std::upper_bound(data.begin(), data.end(), x) - data.begin()) / n;
  };
  double err = 0;
  for (double x : view.items()) err = std::max(err, std::abs(view.Cdf(x) - exact(x)));
  for (int i = 0; i <= 2000; ++i) {
    const double x = data[static_cast<std::size_t>(i / 2000.0 * (n - 1))];
    err = std::max(err, std::abs(view.Cdf(x) - exact(x)));
  }
  return err;
}

TEST(KllSketchTest, ErrorFormulasMatchTheStatedConstants) {
  // DESIGN.md section 12: 2.296 / k^0.9723 is 1.33% at k = 200, 0.27% at k = 1024.
  EXPECT_NEAR(KllSketch::SingleRankError(200), 0.0133, 0.00005);
  EXPECT_NEAR(KllSketch::SingleRankError(1024), 0.0027, 0.00005);
  EXPECT_GT(KllSketch::AllRanksError(200), KllSketch::SingleRankError(200));
}

TEST(KllSketchTest, SmallStreamIsExact) {
  KllSketch s(200, 1);
  std::vector<double> data;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> d(0, 20);  // ties on purpose
  for (int i = 0; i < 150; ++i) {
    data.push_back(d(rng));
    s.Update(data.back());
  }
  ASSERT_TRUE(s.IsExact());
  EXPECT_EQ(s.epsilon(), 0.0);
  for (int x = -1; x <= 21; ++x) EXPECT_DOUBLE_EQ(s.Cdf(x), testing::BruteCdf(data, x)) << x;
  std::sort(data.begin(), data.end());
  EXPECT_EQ(s.Quantile(0.0), data.front());
  EXPECT_EQ(s.Quantile(1.0), data.back());
  // Inverted CDF: the 75th of 150 sorted values is the 0.5 quantile.
  EXPECT_EQ(s.Quantile(0.5), data[74]);
}

TEST(KllSketchTest, IgnoresNonFiniteValues) {
  KllSketch s;
  s.Update(std::numeric_limits<double>::quiet_NaN());
  s.Update(std::numeric_limits<double>::infinity());
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(std::isnan(s.min()));
  s.Update(3.0);
  EXPECT_EQ(s.count(), 1u);
}

struct StreamCase {
  const char* name;
  int kind;  // 0 normal, 1 uniform, 2 lognormal, 3 1e6 + N(0, 1e-3), 4 sorted ascending
};

std::vector<double> Stream(int kind, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::lognormal_distribution<double> lognormal(0, 2);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (kind) {
      case 0: v[i] = normal(rng); break;
      case 1: v[i] = uniform(rng); break;
      case 2: v[i] = lognormal(rng); break;
      case 3: v[i] = 1e6 + 1e-3 * normal(rng); break;
      default: v[i] = static_cast<double>(i); break;
    }
  }
  return v;
}

TEST(KllSketchTest, RankErrorWithinStatedBoundOnMillionValueStreams) {
  const StreamCase cases[] = {{"normal", 0}, {"uniform", 1}, {"offset", 3}, {"sorted", 4}};
  // (A lognormal stream has the ranks of the normal one: no new case for a rank error.)
  for (const auto& c : cases) {
    for (std::uint64_t seed : {1u, 2u}) {
      const std::vector<double> data = Stream(c.kind, 1000000, 100 + seed);
      KllSketch s(200, seed);
      for (double x : data) s.Update(x);
      ASSERT_EQ(s.count(), data.size());
      EXPECT_EQ(s.min(), *std::min_element(data.begin(), data.end()));
      EXPECT_EQ(s.max(), *std::max_element(data.begin(), data.end()));
      const double err = MaxRankError(s, data);
      std::cout << "kll k=200 " << c.name << " seed " << seed << ": max rank error " << err
                << " (bound " << s.epsilon() << "), retained " << s.retained() << ", bytes "
                << s.MemoryBytes() << "\n";
      EXPECT_LE(err, s.epsilon()) << c.name << " seed " << seed;
    }
  }
}

TEST(KllSketchTest, AwkwardStreamsKeepSortedLevelsAndTheBound) {
  // Level 0 is sorted by value buckets before each compaction: streams that
  // crowd the buckets (one huge outlier, many ties, signed zeros, values
  // across hundreds of binades) must still give sorted levels (Parse checks
  // them) and the rank-error bound.
  std::mt19937_64 rng(17);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_int_distribution<int> small(0, 5);
  std::uniform_int_distribution<int> exponent(-300, 300);
  for (int kind = 0; kind < 4; ++kind) {
    std::vector<double> data(200000);
    for (std::size_t i = 0; i < data.size(); ++i) {
      switch (kind) {
        case 0: data[i] = i % 1000 == 0 ? 1e300 : normal(rng); break;
        case 1: data[i] = small(rng); break;
        case 2: data[i] = (i % 2 == 0 ? 0.0 : -0.0) + (i % 7 == 0 ? normal(rng) : 0.0); break;
        default: data[i] = std::ldexp(normal(rng), exponent(rng)); break;
      }
    }
    KllSketch s(200, 5);
    for (double x : data) s.Update(x);
    EXPECT_EQ(s.min(), *std::min_element(data.begin(), data.end())) << kind;
    EXPECT_EQ(s.max(), *std::max_element(data.begin(), data.end())) << kind;
    std::string bytes;
    s.AppendTo(&bytes);
    std::string_view in = bytes;
    std::optional<KllSketch> back = KllSketch::Parse(&in);
    ASSERT_TRUE(back.has_value()) << kind;
    EXPECT_TRUE(*back == s) << kind;
    EXPECT_LE(MaxRankError(s, data), s.epsilon()) << kind;
  }
}

TEST(KllSketchTest, MemoryStaysBoundedAtAMillionValues) {
  KllSketch s(200, 5);
  for (double x : Stream(0, 1000000, 9)) s.Update(x);
  // About 3k retained items (the capacities sum to ~3k); 8 KiB covers them
  // plus the level vectors' slack.
  EXPECT_LE(s.retained(), 3u * 200u + 8u * s.num_levels());
  EXPECT_LT(s.MemoryBytes(), 12u * 1024u);
}

TEST(KllSketchTest, SameSeedSameSketchDifferentSeedDifferentCoins) {
  const std::vector<double> data = Stream(0, 100000, 3);
  KllSketch a(200, 42), b(200, 42), c(200, 43);
  for (double x : data) {
    a.Update(x);
    b.Update(x);
    c.Update(x);
  }
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
}

TEST(KllSketchTest, MergedPartsStayWithinBound) {
  const std::vector<double> data = Stream(2, 1000000, 11);
  KllSketch merged(200, 0);
  for (int part = 0; part < 60; ++part) {
    KllSketch p(200, 1000 + static_cast<std::uint64_t>(part));
    for (std::size_t i = static_cast<std::size_t>(part); i < data.size(); i += 60) p.Update(data[i]);
    merged.Merge(p);
  }
  EXPECT_EQ(merged.count(), data.size());
  EXPECT_EQ(merged.min(), *std::min_element(data.begin(), data.end()));
  const double err = MaxRankError(merged, data);
  std::cout << "kll k=200 merge of 60 parts: max rank error " << err << "\n";
  EXPECT_LE(err, merged.epsilon());
}

TEST(KllSketchTest, MergeWithSmallerKKeepsTheSmallerK) {
  KllSketch a(400, 1), b(100, 2);
  for (int i = 0; i < 5000; ++i) {
    a.Update(i);
    b.Update(-i);
  }
  a.Merge(b);
  EXPECT_EQ(a.k(), 100);
  EXPECT_EQ(a.count(), 10000u);
  EXPECT_EQ(a.epsilon(), KllSketch::AllRanksError(100));
}

TEST(KllSketchTest, MergeWithItselfDoublesCounts) {
  KllSketch a(200, 1);
  for (int i = 0; i < 1000; ++i) a.Update(i);
  a.Merge(a);
  EXPECT_EQ(a.count(), 2000u);
  EXPECT_NEAR(a.Cdf(499.5), 0.5, a.epsilon());
}

TEST(KllSketchTest, QuantileIsWithinRankErrorOfTheExactQuantile) {
  std::vector<double> data = Stream(1, 200000, 21);
  KllSketch s(200, 4);
  for (double x : data) s.Update(x);
  std::sort(data.begin(), data.end());
  for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
    const double v = s.Quantile(q);
    // The returned value's exact rank must be within epsilon of q.
    const double rank = static_cast<double>(std::upper_bound(data.begin(), data.end(), v) - data.begin()) /
                        static_cast<double>(data.size());
    EXPECT_NEAR(rank, q, s.epsilon()) << q;
  }
}

TEST(KllSketchTest, SerializationRoundTripsAndContinuesIdentically) {
  const std::vector<double> data = Stream(0, 50000, 8);
  KllSketch s(200, 77);
  for (std::size_t i = 0; i < 30000; ++i) s.Update(data[i]);
  std::string bytes;
  s.AppendTo(&bytes);
  bytes += "tail";
  std::string_view in = bytes;
  std::optional<KllSketch> parsed = KllSketch::Parse(&in);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(in, "tail");
  EXPECT_TRUE(*parsed == s);
  for (std::size_t i = 30000; i < data.size(); ++i) {
    s.Update(data[i]);
    parsed->Update(data[i]);
  }
  EXPECT_TRUE(*parsed == s);
}

TEST(KllSketchTest, ParseRejectsTruncatedAndInconsistentInput) {
  KllSketch s(200, 1);
  for (int i = 0; i < 1000; ++i) s.Update(i);
  std::string bytes;
  s.AppendTo(&bytes);
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    std::string_view in(bytes.data(), cut);
    EXPECT_FALSE(KllSketch::Parse(&in).has_value()) << cut;
  }
  // Count field (after k, seed, rng state, rng bits, bits left) no longer
  // matching the retained weights.
  std::string bad = bytes;
  bad[4 + 8 + 8 + 8 + 1] ^= 1;
  std::string_view in = bad;
  EXPECT_FALSE(KllSketch::Parse(&in).has_value());
}

TEST(KllSketchTest, ClearForgetsValuesAndRestartsTheGenerator) {
  KllSketch a(200, 9), fresh(200, 9);
  for (int i = 0; i < 10000; ++i) a.Update(i);
  a.Clear();
  EXPECT_TRUE(a.empty());
  for (int i = 0; i < 10000; ++i) {
    a.Update(i * 0.5);
    fresh.Update(i * 0.5);
  }
  EXPECT_TRUE(a == fresh);
}

TEST(KllSketchTest, BufferGrowsWithTheValuesUpToTheCapacity) {
  KllSketch s(200, 1);
  const std::size_t idle = s.MemoryBytes();
  s.Update(1.0);
  // kll.h: the buffer starts at 16 items and doubles below the capacity.
  EXPECT_LE(s.MemoryBytes(), idle + 16 * sizeof(double));
  for (int i = 2; i <= 40; ++i) s.Update(i);
  EXPECT_LE(s.MemoryBytes(), idle + 64 * sizeof(double));  // max(16, 2n) items for n = 40
  EXPECT_TRUE(s.IsExact());
  EXPECT_EQ(s.retained(), 40u);
}

TEST(KllSketchTest, LazyBufferCompactsExactlyWhenTheFullCapacityIsReached) {
  // Level 0 holds k = 200 items before the first compaction whatever the
  // buffer's growth: 200 values stay exact, the 201st compacts.
  KllSketch s(200, 3);
  for (int i = 0; i < 200; ++i) s.Update(i);
  EXPECT_TRUE(s.IsExact());
  s.Update(200);
  EXPECT_FALSE(s.IsExact());
  EXPECT_EQ(s.count(), 201u);
  // A parsed copy (buffer sized to its items) continues identically.
  std::string bytes;
  s.AppendTo(&bytes);
  std::string_view in = bytes;
  std::optional<KllSketch> back = KllSketch::Parse(&in);
  ASSERT_TRUE(back.has_value());
  for (int i = 0; i < 5000; ++i) {
    s.Update(i * 0.5);
    back->Update(i * 0.5);
  }
  EXPECT_TRUE(*back == s);
}

}  // namespace
}  // namespace driftd::detectors
