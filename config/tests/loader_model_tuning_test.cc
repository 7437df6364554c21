// Tests of the model keys added for drift tuning, windows and the M2, M5,
// M6 and M7 checks: [models.<m>.drift], [models.<m>.windows],
// max_invariant_violation_share, features.<f>.finite, prediction.min_variance
// and min_distinct, quality.max_pending, max_drop and decision_threshold,
// latency.max_ratio, min_throughput and min_throughput_ratio.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"
#include "config/tests/loader_test_util.h"

namespace driftd::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::Errors;
using testing::MustParse;
using ::testing::ElementsAre;

TEST(ModelTuningDefaultsTest, MatchTheDocumentedValues) {
  // docs/configuration.md, the model, drift, windows, feature, prediction,
  // quality and latency tables.
  const Config config = MustParse(R"([models.m]
[models.m.features]
a = { type = "numeric" }
[models.m.prediction]
[models.m.quality]
[models.m.latency]
)");
  const ModelConfig& m = config.models[0];
  EXPECT_EQ(m.max_invariant_violation_share, 0.01);
  EXPECT_EQ(m.drift.preset, DriftPreset::kAuto);
  EXPECT_EQ(m.drift.correction, Correction::kBenjaminiHochberg);
  EXPECT_EQ(m.drift.drift_share, 0.5);
  EXPECT_EQ(m.drift.min_effect_size, 0.1);
  EXPECT_FALSE(m.drift.calibrate);
  EXPECT_EQ(m.drift.calibration_k, 3.0);
  EXPECT_EQ(m.drift.calibration_chunk, 1000u);
  EXPECT_EQ(m.windows.panes, 60u);
  EXPECT_EQ(m.windows.allowed_lateness, minutes(5));
  EXPECT_EQ(m.windows.exact_up_to, 10000u);
  EXPECT_EQ(m.windows.sketch_k, 200u);
  EXPECT_EQ(m.windows.max_categories, 1000u);
  EXPECT_TRUE(m.features[0].finite);
  EXPECT_FALSE(m.prediction->min_variance.has_value());
  EXPECT_FALSE(m.prediction->min_distinct.has_value());
  EXPECT_EQ(m.quality->max_pending, 1000000u);
  EXPECT_FALSE(m.quality->max_drop.has_value());
  EXPECT_EQ(m.quality->decision_threshold, 0.5);
  EXPECT_FALSE(m.latency->max_ratio.has_value());
  EXPECT_FALSE(m.latency->min_throughput.has_value());
  EXPECT_FALSE(m.latency->min_throughput_ratio.has_value());
}

TEST(ModelTuningTest, ReadsDriftTable) {
  const Config config = MustParse(R"([models.m]
reference = { type = "first", events = 5000 }
[models.m.drift]
preset = "evidently"
correction = "bonferroni"
drift_share = 1
min_effect_size = 0
calibrate = true
calibration_k = 2.5
calibration_chunk = 2500
[models.n.drift]
preset = "nannyml"
correction = "none"
)");
  const DriftConfig& d = config.models[0].drift;
  EXPECT_EQ(d.preset, DriftPreset::kEvidently);
  EXPECT_EQ(d.correction, Correction::kBonferroni);
  EXPECT_EQ(d.drift_share, 1.0);
  EXPECT_EQ(d.min_effect_size, 0.0);
  EXPECT_TRUE(d.calibrate);
  EXPECT_EQ(d.calibration_k, 2.5);
  EXPECT_EQ(d.calibration_chunk, 2500u);  // 5000 / 2500 = 2 chunks: just enough
  EXPECT_EQ(config.models[1].drift.preset, DriftPreset::kNannyml);
  EXPECT_EQ(config.models[1].drift.correction, Correction::kNone);
}

TEST(ModelTuningTest, CalibrationOfABaselineReferenceIsNotCountedInChunks) {
  // The profile's size is known only when it is read.
  const Config config = MustParse(R"([models.m]
reference = { type = "baseline", path = "m.profile.json" }
drift = { calibrate = true, calibration_chunk = 1000000 }
)");
  EXPECT_EQ(config.models[0].drift.calibration_chunk, 1000000u);
}

TEST(ModelTuningTest, ReadsWindowsTable) {
  const Config config = MustParse(R"([models.m]
window = "10s"
[models.m.windows]
panes = 10000
allowed_lateness = "0s"
exact_up_to = 0
sketch_k = 8
max_categories = 1
[models.n.windows]
panes = 1
sketch_k = 65535
)");
  const WindowConfig& w = config.models[0].windows;
  EXPECT_EQ(w.panes, 10000u);  // 10s / 10000 = 1ms: the shortest pane allowed
  EXPECT_EQ(w.allowed_lateness, seconds(0));
  EXPECT_EQ(w.exact_up_to, 0u);
  EXPECT_EQ(w.sketch_k, 8u);
  EXPECT_EQ(w.max_categories, 1u);
  EXPECT_EQ(config.models[1].windows.panes, 1u);
  EXPECT_EQ(config.models[1].windows.sketch_k, 65535u);
}

TEST(ModelTuningTest, ReadsNewFeaturePredictionQualityAndLatencyKeys) {
  const Config config = MustParse(R"([models.m]
max_invariant_violation_share = 0
[models.m.features]
ratio = { type = "numeric", finite = false }
[models.m.prediction]
type = "regression"
min_variance = 1e-6
min_distinct = 3
[models.m.quality]
metric = "precision"
max_pending = 50000
max_drop = 0.05
decision_threshold = 0.7
[models.m.latency]
max_ratio = 1.5
min_throughput = 0.5
min_throughput_ratio = 1
[models.c.prediction]
type = "class"
min_distinct = 2
[models.c.quality]
metric = "rmse"
max_drop = 12.5
)");
  const ModelConfig& m = config.models[0];
  EXPECT_EQ(m.max_invariant_violation_share, 0.0);
  EXPECT_FALSE(m.features[0].finite);
  EXPECT_EQ(m.prediction->min_variance, 1e-6);
  EXPECT_EQ(m.prediction->min_distinct, 3u);
  EXPECT_EQ(m.quality->max_pending, 50000u);
  EXPECT_EQ(m.quality->max_drop, 0.05);
  EXPECT_EQ(m.quality->decision_threshold, 0.7);
  EXPECT_EQ(m.latency->max_ratio, 1.5);
  EXPECT_EQ(m.latency->min_throughput, 0.5);
  EXPECT_EQ(m.latency->min_throughput_ratio, 1.0);
  const ModelConfig& c = config.models[1];
  EXPECT_EQ(c.prediction->min_distinct, 2u);
  EXPECT_EQ(c.quality->max_drop, 12.5);  // rmse is in the target's units, not a share
}

TEST(ModelTuningErrorTest, DriftValues) {
  EXPECT_THAT(Errors(R"([models.m.drift]
preset = "whylogs"
correction = "holm"
drift_share = 0
min_effect_size = -0.1
calibrate = 1
calibration_k = 0
calibration_chunk = 1
detph = 3
[models.n.drift]
drift_share = 1.01
calibration_k = inf
)"),
              ElementsAre("driftd.toml:2:10: models.m.drift.preset: expected one of \"auto\", "
                          "\"evidently\", \"nannyml\", got \"whylogs\"",
                          "driftd.toml:3:14: models.m.drift.correction: expected one of \"none\", "
                          "\"bonferroni\", \"benjamini_hochberg\", got \"holm\"",
                          "driftd.toml:4:15: models.m.drift.drift_share: must be greater than 0 "
                          "and at most 1, got 0",
                          "driftd.toml:5:19: models.m.drift.min_effect_size: must not be "
                          "negative, got -0.1",
                          "driftd.toml:6:13: models.m.drift.calibrate: expected a boolean (true "
                          "or false), got integer",
                          "driftd.toml:7:17: models.m.drift.calibration_k: must be greater than "
                          "0, got 0",
                          "driftd.toml:8:21: models.m.drift.calibration_chunk: must be at least "
                          "2, got 1",
                          "driftd.toml:9:1: models.m.drift.detph: unknown key",
                          "driftd.toml:11:15: models.n.drift.drift_share: must be greater than 0 "
                          "and at most 1, got 1.01",
                          "driftd.toml:12:17: models.n.drift.calibration_k: must be a finite "
                          "number"));
}

TEST(ModelTuningErrorTest, CalibrationNeedsTwoChunksOfAFirstReference) {
  // 1000 events / 1000-row chunks = 1 chunk: no standard deviation.
  EXPECT_THAT(Errors(R"([models.m]
reference = { type = "first", events = 1000 }
[models.m.drift]
calibrate = true
[models.n]
reference = { type = "first", events = 5000 }
drift = { calibrate = true, calibration_chunk = 3000 }
)"),
              ElementsAre("driftd.toml:4:13: models.m.drift.calibrate: calibration needs at "
                          "least 2 reference chunks, but reference.events (1000) / "
                          "calibration_chunk (1000) gives 1",
                          "driftd.toml:7:49: models.n.drift.calibration_chunk: calibration needs "
                          "at least 2 reference chunks, but reference.events (5000) / "
                          "calibration_chunk (3000) gives 1"));
}

TEST(ModelTuningErrorTest, CalibrationNeedsAFixedReference) {
  EXPECT_THAT(Errors(R"([models.m]
reference = { type = "rolling", window = "1h", lag = "1h" }
drift = { calibrate = true }
)"),
              ElementsAre("driftd.toml:3:23: models.m.drift.calibrate: calibration needs a fixed "
                          "reference (type \"first\" or \"baseline\"), not a rolling one"));
}

TEST(ModelTuningErrorTest, WindowsValues) {
  EXPECT_THAT(Errors(R"([models.m.windows]
panes = 0
allowed_lateness = "-1s"
exact_up_to = -1
sketch_k = 7
max_categories = 0
[models.n.windows]
panes = 10001
sketch_k = 65536
pane = 3
)"),
              ElementsAre("driftd.toml:2:9: models.m.windows.panes: must be between 1 and 10000, "
                          "got 0",
                          "driftd.toml:3:20: models.m.windows.allowed_lateness: invalid duration "
                          "\"-1s\" (expected e.g. \"500ms\", \"15s\", \"1h30m\", \"7d\")",
                          "driftd.toml:4:15: models.m.windows.exact_up_to: must be at least 0, "
                          "got -1",
                          "driftd.toml:5:12: models.m.windows.sketch_k: must be between 8 and "
                          "65535, got 7",
                          "driftd.toml:6:18: models.m.windows.max_categories: must be at least 1, "
                          "got 0",
                          "driftd.toml:8:9: models.n.windows.panes: must be between 1 and 10000, "
                          "got 10001",
                          "driftd.toml:9:12: models.n.windows.sketch_k: must be between 8 and "
                          "65535, got 65536",
                          "driftd.toml:10:1: models.n.windows.pane: unknown key (did you mean "
                          "panes?)"));
}

TEST(ModelTuningErrorTest, PanesShorterThanOneMillisecond) {
  EXPECT_THAT(Errors(R"([models.m]
window = "1s"
windows = { panes = 5000 }
[models.n]
window = "30ms"
[models.o]
window = "bad"
windows = { panes = 5000 }
)"),
              ElementsAre("driftd.toml:3:21: models.m.windows.panes: gives panes of 200us "
                          "(window 1s / 5000 panes); a pane must be at least 1ms",
                          // The default 60 panes: the window is what to fix.
                          "driftd.toml:5:10: models.n.window: gives panes of 500us (window 30ms / "
                          "60 panes); a pane must be at least 1ms",
                          // No second error for an unreadable window.
                          "driftd.toml:7:10: models.o.window: invalid duration \"bad\" (expected "
                          "e.g. \"500ms\", \"15s\", \"1h30m\", \"7d\")"));
}

TEST(ModelTuningErrorTest, ModelAndFeatureKeys) {
  EXPECT_THAT(Errors(R"([models.m]
max_invariant_violation_share = 1.5
[models.m.features]
a = { type = "numeric", finite = "yes" }
b = { type = "categorical", finite = true }
[models.n]
max_invariant_violation_share = -0.5
)"),
              ElementsAre("driftd.toml:2:33: models.m.max_invariant_violation_share: must be "
                          "between 0 and 1, got 1.5",
                          "driftd.toml:4:34: models.m.features.a.finite: expected a boolean (true "
                          "or false), got string",
                          "driftd.toml:5:38: models.m.features.b.finite: only valid for numeric "
                          "features",
                          "driftd.toml:7:33: models.n.max_invariant_violation_share: must be "
                          "between 0 and 1, got -0.5"));
}

TEST(ModelTuningErrorTest, PredictionKeys) {
  EXPECT_THAT(Errors(R"([models.m.prediction]
type = "score"
min_variance = -1
min_distinct = 0
[models.n.prediction]
type = "class"
min_variance = 0.1
min_distinct = 1.5
)"),
              ElementsAre("driftd.toml:3:16: models.m.prediction.min_variance: must not be "
                          "negative, got -1",
                          "driftd.toml:4:16: models.m.prediction.min_distinct: must be at least 1, "
                          "got 0",
                          "driftd.toml:7:16: models.n.prediction.min_variance: only valid for "
                          "score and regression predictions",
                          "driftd.toml:8:16: models.n.prediction.min_distinct: expected an "
                          "integer, got float"));
}

TEST(ModelTuningErrorTest, QualityKeys) {
  EXPECT_THAT(Errors(R"([models.m.quality]
metric = "auc"
max_pending = 0
max_drop = 1.5
decision_threshold = 0.5
[models.n.quality]
metric = "accuracy"
max_drop = -0.1
decision_threshold = 1.2
[models.o.quality]
metric = "mae"
decision_threshold = 0.5
)"),
              ElementsAre("driftd.toml:3:15: models.m.quality.max_pending: must be at least 1, "
                          "got 0",
                          "driftd.toml:4:12: models.m.quality.max_drop: must be at most 1: auc "
                          "lies between 0 and 1",
                          "driftd.toml:5:22: models.m.quality.decision_threshold: only used by "
                          "the metrics accuracy, precision and recall, not auc",
                          "driftd.toml:8:12: models.n.quality.max_drop: must not be negative, got "
                          "-0.1",
                          "driftd.toml:9:22: models.n.quality.decision_threshold: must be between "
                          "0 and 1, got 1.2",
                          "driftd.toml:12:22: models.o.quality.decision_threshold: only used by "
                          "the metrics accuracy, precision and recall, not mae"));
}

TEST(ModelTuningErrorTest, LatencyKeys) {
  EXPECT_THAT(Errors(R"([models.m.latency]
max_ratio = 0.9
min_throughput = 0
min_throughput_ratio = 0
[models.n.latency]
max_ratio = "1.5x"
min_throughput = -3
min_throughput_ratio = 1.5
)"),
              ElementsAre("driftd.toml:2:13: models.m.latency.max_ratio: must be at least 1, got "
                          "0.9",
                          "driftd.toml:3:18: models.m.latency.min_throughput: must be greater "
                          "than 0, got 0",
                          "driftd.toml:4:24: models.m.latency.min_throughput_ratio: must be "
                          "greater than 0 and at most 1, got 0",
                          "driftd.toml:6:13: models.n.latency.max_ratio: expected a number, got "
                          "string",
                          "driftd.toml:7:18: models.n.latency.min_throughput: must be greater "
                          "than 0, got -3",
                          "driftd.toml:8:24: models.n.latency.min_throughput_ratio: must be "
                          "greater than 0 and at most 1, got 1.5"));
}

}  // namespace
}  // namespace driftd::config
