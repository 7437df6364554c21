// M4: models are not too stale, and a silent model is caught on the clock.
#include "detectors/monitors/staleness.h"

#include <gtest/gtest.h>

#include "detectors/monitors/model_monitors.h"
#include "monitor_test_util.h"

namespace driftd::detectors {
namespace {

using namespace testutil;

config::ModelConfig StaleModel() {
  config::ModelConfig m = BaseModel();
  m.max_model_age = std::chrono::hours(24 * 30);
  m.max_silence = 5min;
  return m;
}

TEST(StalenessTest, SilentModelFiresWithoutAnyTraffic) {
  testing::FakeClock clock;
  ModelMonitors m(StaleModel(), clock.Now());
  m.Observe(Prediction(clock.Now(), 0.5));
  clock.Advance(4min);
  auto findings = m.Evaluate(clock.Now());
  const Finding* silent = One(findings, Check::kDataSilent, "", "silence");
  ASSERT_NE(silent, nullptr);
  EXPECT_FALSE(silent->failing);
  EXPECT_DOUBLE_EQ(silent->statistic, 240.0);
  // No event arrives; only the clock moves.
  clock.Advance(2min);
  findings = m.Evaluate(clock.Now());
  silent = One(findings, Check::kDataSilent, "", "silence");
  ASSERT_NE(silent, nullptr);
  EXPECT_TRUE(silent->failing);
  EXPECT_DOUBLE_EQ(silent->statistic, 360.0);
  EXPECT_DOUBLE_EQ(silent->threshold, 300.0);
  // Traffic resumes: the check clears.
  m.Observe(Prediction(clock.Now(), 0.5));
  findings = m.Evaluate(clock.Now());
  EXPECT_FALSE(One(findings, Check::kDataSilent, "", "silence")->failing);
}

TEST(StalenessTest, NeverSeenModelIsSilentSinceStart) {
  testing::FakeClock clock;
  ModelMonitors m(StaleModel(), clock.Now());
  clock.Advance(6min);
  const auto findings = m.Evaluate(clock.Now());
  const Finding* silent = One(findings, Check::kDataSilent, "", "silence");
  ASSERT_NE(silent, nullptr);
  EXPECT_TRUE(silent->failing);
  EXPECT_EQ(silent->samples, 0u);
}

TEST(StalenessTest, ModelAgeFromModelEventOverridesConfig) {
  testing::FakeClock clock;
  const Timestamp configured = clock.Now() - std::chrono::hours(24 * 40);
  ModelMonitors m(StaleModel(), clock.Now(), configured);
  auto findings = m.Evaluate(clock.Now());
  const Finding* stale = One(findings, Check::kModelStale, "", "age");
  ASSERT_NE(stale, nullptr);
  EXPECT_TRUE(stale->failing) << "40 days > 30 days from the configured trained_at";
  EXPECT_DOUBLE_EQ(stale->statistic, 40 * 86400.0);

  Event deploy = ModelEvent(clock.Now(), "v2");
  deploy.trained_at = clock.Now() - std::chrono::hours(24);
  m.Observe(deploy);
  findings = m.Evaluate(clock.Now());
  EXPECT_FALSE(One(findings, Check::kModelStale, "", "age")->failing);
  // It ages on the clock.
  clock.Advance(std::chrono::hours(24 * 30));
  findings = m.Evaluate(clock.Now());
  EXPECT_TRUE(One(findings, Check::kModelStale, "", "age")->failing);
  const auto snap = m.Snapshot(clock.Now());
  ASSERT_TRUE(snap.model_age_seconds.has_value());
  EXPECT_DOUBLE_EQ(*snap.model_age_seconds, 31 * 86400.0);
}

TEST(StalenessTest, UnknownTrainedAtIsNotJudged) {
  testing::FakeClock clock;
  ModelMonitors m(StaleModel(), clock.Now());
  const auto findings = m.Evaluate(clock.Now());
  const Finding* stale = One(findings, Check::kModelStale, "", "age");
  ASSERT_NE(stale, nullptr);
  EXPECT_FALSE(stale->judged);
}

TEST(StalenessTest, NotConfiguredProducesNothing) {
  testing::FakeClock clock;
  ModelMonitors m(BaseModel(), clock.Now());
  clock.Advance(std::chrono::hours(100));
  const auto findings = m.Evaluate(clock.Now());
  EXPECT_TRUE(Of(findings, Check::kDataSilent).empty());
  EXPECT_TRUE(Of(findings, Check::kModelStale).empty());
  EXPECT_FALSE(m.configured()[3]);
}

}  // namespace
}  // namespace driftd::detectors
