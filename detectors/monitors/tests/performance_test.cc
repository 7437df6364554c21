// M6: computing performance has not regressed.
#include "detectors/monitors/performance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "detectors/monitors/model_monitors.h"
#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

// numpy.quantile(x, q, method="inverted_cdf"): the smallest x with
// cumulative share >= q (Hyndman & Fan definition 1).
double InvertedCdf(std::vector<double> x, double q) {
  std::sort(x.begin(), x.end());
  const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(x.size())));
  return x[std::max<std::size_t>(k, 1) - 1];
}

config::ModelConfig LatencyModel() {
  config::ModelConfig m = BaseModel();
  config::LatencyConfig l;
  l.p50_max = 20ms;
  l.p99_max = 100ms;
  l.max_ratio = 1.5;
  l.min_throughput = 0.5;
  l.min_throughput_ratio = 0.5;
  m.latency = l;
  m.reference.type = config::ReferenceType::kFirst;
  m.reference.events = 600;
  return m;
}

TEST(PerformanceTest, QuantilesAreInvertedCdfOfTheWindow) {
  testing::FakeClock clock;
  ModelMonitors m(LatencyModel(), clock.Now());
  std::vector<double> seconds;
  for (int i = 0; i < 1000; ++i) {
    const double ms = 5.0 + (i * 37 % 101) * 0.3;
    seconds.push_back(ms / 1000.0);
    m.Observe(Prediction(clock.Now() + std::chrono::milliseconds(i), 0.5, {}, "", ms));
  }
  const auto snap = m.Snapshot(clock.Now());
  ASSERT_EQ(snap.latency_quantiles.size(), 3u);
  const double qs[] = {0.5, 0.9, 0.99};
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(snap.latency_quantiles[i].second, InvertedCdf(seconds, qs[i])) << qs[i];
  }
}

TEST(PerformanceTest, LatencyRegressionAgainstLimitAndReference) {
  testing::FakeClock clock;
  ModelMonitors m(LatencyModel(), clock.Now());
  // Reference period: 600 predictions at 10 ms, one per second.
  for (int i = 0; i < 600; ++i) {
    m.Observe(Prediction(clock.Now(), 0.5, {}, "", 10.0));
    clock.Advance(1s);
  }
  auto findings = m.Evaluate(clock.Now());
  for (const Finding& f : Of(findings, Check::kLatencyRegression))
    EXPECT_FALSE(f.failing) << f.subject;
  // Two hours later (the reference period is frozen, the window has moved
  // on), latency triples to 30 ms: over p50_max and 3x the reference p99.
  clock.Advance(2h);
  for (int i = 0; i < 600; ++i) {
    m.Observe(Prediction(clock.Now(), 0.5, {}, "", 30.0));
    clock.Advance(1s);
  }
  findings = m.Evaluate(clock.Now());
  const Finding* p50 = One(findings, Check::kLatencyRegression, "p50", "limit");
  ASSERT_NE(p50, nullptr);
  EXPECT_TRUE(p50->failing);
  EXPECT_DOUBLE_EQ(p50->statistic, 0.030);
  EXPECT_DOUBLE_EQ(p50->threshold, 0.020);
  EXPECT_EQ(p50->mode, "exact");
  const Finding* p99 = One(findings, Check::kLatencyRegression, "p99", "limit");
  ASSERT_NE(p99, nullptr);
  EXPECT_FALSE(p99->failing) << "30 ms is under the 100 ms p99 limit";
  const Finding* ratio = One(findings, Check::kLatencyRegression, "p99_ratio", "reference");
  ASSERT_NE(ratio, nullptr);
  EXPECT_TRUE(ratio->judged);
  EXPECT_DOUBLE_EQ(ratio->statistic, 3.0);
  EXPECT_TRUE(ratio->failing);
  EXPECT_EQ(ratio->reference_samples, 600u);
}

TEST(PerformanceTest, SilenceDrainsThroughputBelowTheFloor) {
  testing::FakeClock clock;
  ModelMonitors m(LatencyModel(), clock.Now());
  for (int i = 0; i < 3600; ++i) {
    m.Observe(Prediction(clock.Now(), 0.5, {}, "", 10.0));
    clock.Advance(1s);
  }
  auto findings = m.Evaluate(clock.Now());
  const Finding* floor = One(findings, Check::kThroughputDrop, "throughput", "floor");
  ASSERT_NE(floor, nullptr);
  EXPECT_TRUE(floor->judged);
  EXPECT_NEAR(floor->statistic, 1.0, 0.02);
  EXPECT_FALSE(floor->failing);
  const Finding* vs_ref = One(findings, Check::kThroughputDrop, "throughput_ratio", "reference");
  ASSERT_NE(vs_ref, nullptr);
  EXPECT_NEAR(vs_ref->statistic, 1.0, 0.02);
  EXPECT_FALSE(vs_ref->failing);
  // No traffic for 40 minutes: the window keeps 20 of its 60 minutes.
  clock.Advance(40min);
  findings = m.Evaluate(clock.Now());
  floor = One(findings, Check::kThroughputDrop, "throughput", "floor");
  EXPECT_NEAR(floor->statistic, 1.0 / 3.0, 0.02);
  EXPECT_TRUE(floor->failing);
  EXPECT_TRUE(One(findings, Check::kThroughputDrop, "throughput_ratio", "reference")->failing);
}

TEST(PerformanceTest, FewLatenciesAreNotJudged) {
  testing::FakeClock clock;
  ModelMonitors m(LatencyModel(), clock.Now());
  for (int i = 0; i < 3; ++i) m.Observe(Prediction(clock.Now(), 0.5, {}, "", 500.0));
  const auto findings = m.Evaluate(clock.Now());
  const Finding* p99 = One(findings, Check::kLatencyRegression, "p99", "limit");
  ASSERT_NE(p99, nullptr);
  EXPECT_FALSE(p99->judged);
  EXPECT_FALSE(p99->failing);
}

}  // namespace
}  // namespace driftd::detectors
