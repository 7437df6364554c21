// Tests of the [models.<name>] tables: every sub-table and its checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "config/loader.h"
#include "config/tests/loader_test_util.h"

namespace driftd::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using testing::Errors;
using testing::MustParse;
using ::testing::ElementsAre;

// The model of DESIGN.md section 5, verbatim.
constexpr char kFraud[] = R"([models.fraud]
window = "1h"
reference = { type = "baseline", path = "fraud.profile.json" }
min_samples = 200
max_model_age = "30d"
max_silence = "5m"
trained_at = "2026-11-20T00:00:00Z"
[models.fraud.features]
amount  = { type = "numeric", test = "ks", threshold = 0.05, min = 0, max = 1e6, max_missing = 0.01 }
country = { type = "categorical", test = "jensenshannon", threshold = 0.1, values = ["DE", "FR", "US"] }
[models.fraud.prediction]
type = "score"
test = "psi"
threshold = 0.2
min = 0
max = 1
[models.fraud.quality]
metric = "auc"
min = 0.80
label_timeout = "48h"
[models.fraud.latency]
p99_max = "50ms"
)";

TEST(ModelLoaderTest, ReadsTheDesignExampleModel) {
  const Config config = MustParse(kFraud, "/etc/driftd/driftd.toml");
  ASSERT_EQ(config.models.size(), 1u);
  const ModelConfig& m = config.models[0];
  EXPECT_EQ(m.name, "fraud");
  EXPECT_EQ(m.window, hours(1));
  EXPECT_EQ(m.reference.type, ReferenceType::kBaseline);
  EXPECT_EQ(m.reference.path, "/etc/driftd/fraud.profile.json");
  EXPECT_EQ(m.min_samples, 200u);
  EXPECT_EQ(m.max_model_age, hours(30 * 24));
  EXPECT_EQ(m.max_silence, minutes(5));
  EXPECT_EQ(m.trained_at, "2026-11-20T00:00:00Z");
  ASSERT_EQ(m.features.size(), 2u);
  // File order, although toml++ sorts keys.
  const FeatureConfig& amount = m.features[0];
  EXPECT_EQ(amount.name, "amount");
  EXPECT_EQ(amount.type, FeatureType::kNumeric);
  EXPECT_EQ(amount.test, "ks");
  EXPECT_EQ(amount.threshold, 0.05);
  EXPECT_EQ(amount.min, 0.0);
  EXPECT_EQ(amount.max, 1e6);
  EXPECT_EQ(amount.max_missing, 0.01);
  const FeatureConfig& country = m.features[1];
  EXPECT_EQ(country.name, "country");
  EXPECT_EQ(country.type, FeatureType::kCategorical);
  EXPECT_EQ(country.test, "jensenshannon");
  EXPECT_EQ(country.values, (std::vector<std::string>{"DE", "FR", "US"}));
  EXPECT_EQ(m.FindFeature("country"), &country);
  ASSERT_TRUE(m.prediction.has_value());
  EXPECT_EQ(m.prediction->type, PredictionType::kScore);
  EXPECT_EQ(m.prediction->test, "psi");
  EXPECT_EQ(m.prediction->threshold, 0.2);
  EXPECT_EQ(m.prediction->min, 0.0);
  EXPECT_EQ(m.prediction->max, 1.0);
  ASSERT_TRUE(m.quality.has_value());
  EXPECT_EQ(m.quality->metric, "auc");
  EXPECT_EQ(m.quality->min, 0.80);
  EXPECT_EQ(m.quality->label_timeout, hours(48));
  ASSERT_TRUE(m.latency.has_value());
  EXPECT_EQ(m.latency->p99_max, milliseconds(50));
  EXPECT_FALSE(m.latency->p50_max.has_value());
}

TEST(ModelLoaderTest, ModelsKeepFileOrder) {
  const Config config = MustParse("[models.zeta]\n[models.alpha]\n[models.mid]\n");
  ASSERT_EQ(config.models.size(), 3u);
  EXPECT_EQ(config.models[0].name, "zeta");
  EXPECT_EQ(config.models[1].name, "alpha");
  EXPECT_EQ(config.models[2].name, "mid");
  EXPECT_EQ(config.FindModel("alpha"), &config.models[1]);
}

TEST(ModelLoaderTest, FeaturesMayBeWrittenAsTables) {
  const Config config = MustParse(R"([models.m.features.amount]
type = "numeric"
test = "wasserstein"
threshold = 2
[models.m.features.country]
type = "categorical"
)");
  ASSERT_EQ(config.models[0].features.size(), 2u);
  EXPECT_EQ(config.models[0].features[0].test, "wasserstein");
  EXPECT_EQ(config.models[0].features[0].threshold, 2.0);
  EXPECT_EQ(config.models[0].features[1].test, "auto");
}

TEST(ModelLoaderTest, ReferenceKinds) {
  const Config config = MustParse(R"([models.first]
reference = { type = "first", events = 500 }
[models.rolling]
reference = { type = "rolling", window = "7d", lag = "1d" }
[models.zero_lag]
reference = { type = "rolling", window = "2h", lag = "0s" }
[models.relative]
reference = { type = "baseline", path = "p.json" }
)");
  EXPECT_EQ(config.models[0].reference.type, ReferenceType::kFirst);
  EXPECT_EQ(config.models[0].reference.events, 500u);
  EXPECT_EQ(config.models[1].reference.type, ReferenceType::kRolling);
  EXPECT_EQ(config.models[1].reference.window, hours(7 * 24));
  EXPECT_EQ(config.models[1].reference.lag, hours(24));
  EXPECT_EQ(config.models[2].reference.lag, Duration::zero());
  // "driftd.toml" has no directory part: the path stays relative.
  EXPECT_EQ(config.models[3].reference.path, "p.json");
}

TEST(ModelLoaderTest, BaselinePathIsResolvedAgainstTheConfigDirectory) {
  const char* toml = "[models.m]\nreference = { type = \"baseline\", path = \"../p/m.json\" }\n";
  EXPECT_EQ(MustParse(toml, "/etc/driftd/driftd.toml").models[0].reference.path,
            "/etc/p/m.json");
  EXPECT_EQ(MustParse(toml, "conf/driftd.toml").models[0].reference.path, "p/m.json");
}

TEST(ModelLoaderTest, TrainedAtAcceptsTomlOffsetDateTime) {
  const Config config = MustParse(
      "[models.m]\ntrained_at = 2026-11-20T00:00:00Z\n[models.n]\ntrained_at = "
      "2026-11-20 01:02:03.5-07:30\n");
  EXPECT_EQ(config.models[0].trained_at, "2026-11-20T00:00:00Z");
  EXPECT_EQ(config.models[1].trained_at, "2026-11-20T01:02:03.5-07:30");
}

TEST(ModelLoaderTest, ReadsPredictionQualityLatencyAndFields) {
  const Config config = MustParse(R"([models.m]
[models.m.prediction]
type = "class"
test = "chisquare"
threshold = 0.01
[models.m.quality]
metric = "rmse"
max = 3.5
[models.m.latency]
p50_max = "5ms"
p90_max = "20ms"
p99_max = "20ms"
[models.m.fields]
ts = "/meta/time"
features = "/inputs"
prediction = "/output/score"
model_version = ""
)");
  const ModelConfig& m = config.models[0];
  EXPECT_EQ(m.prediction->type, PredictionType::kClass);
  EXPECT_EQ(m.prediction->test, "chisquare");
  EXPECT_EQ(m.quality->metric, "rmse");
  EXPECT_EQ(m.quality->max, 3.5);
  EXPECT_EQ(m.quality->label_timeout, hours(48));
  EXPECT_EQ(m.latency->p50_max, milliseconds(5));
  EXPECT_EQ(m.latency->p90_max, milliseconds(20));
  EXPECT_EQ(m.fields.ts, "/meta/time");
  EXPECT_EQ(m.fields.features, "/inputs");
  EXPECT_EQ(m.fields.prediction, "/output/score");
  EXPECT_EQ(m.fields.model_version, "");
  EXPECT_EQ(m.fields.id, "/id");  // untouched default
}

TEST(ModelLoaderErrorTest, ModelAndFeatureNames) {
  EXPECT_THAT(Errors(R"([models."bad name"]
[models.ok.features]
"9lives" = { type = "numeric" }
amount = 3
)"),
              ElementsAre("driftd.toml:1:9: models.\"bad name\": model name must match "
                          "[A-Za-z_][A-Za-z0-9_.-]*",
                          "driftd.toml:3:1: models.ok.features.9lives: feature name must match "
                          "[A-Za-z_][A-Za-z0-9_.-]*",
                          "driftd.toml:4:10: models.ok.features.amount: expected a table like "
                          "{ type = \"numeric\", test = \"ks\" }, got integer"));
}

TEST(ModelLoaderErrorTest, FeatureChecks) {
  EXPECT_THAT(
      Errors(R"([models.m.features]
a = { type = "numeric", test = "tvd" }
b = { type = "categorical", test = "ks" }
c = { type = "numeric", test = "ks", threshold = 1.5 }
d = { type = "numeric", threshold = nan }
e = { type = "numeric", min = 5, max = 1 }
f = { type = "numeric", max_missing = 1.5 }
g = { type = "numeric", values = ["x"] }
h = { type = "categorical", min = 0 }
i = { type = "text" }
j = { test = "t-test", threshold = 0 }
k = { type = "numeric", treshold = 0.1 }
)"),
      ElementsAre(
          "driftd.toml:2:32: models.m.features.a.test: test \"tvd\" needs categorical values; "
          "numeric data can use ks, wasserstein, cramervonmises, anderson, t_test, mannw, "
          "energy_distance, psi, kl, jensenshannon, hellinger",
          "driftd.toml:3:36: models.m.features.b.test: test \"ks\" needs numeric values; "
          "categorical data can use chisquare, ztest, linf, tvd, g_test, fisher_exact, tvd_perm, "
          "psi, kl, jensenshannon, hellinger",
          "driftd.toml:4:50: models.m.features.c.threshold: test \"ks\" compares a p-value: "
          "threshold must be below 1",
          "driftd.toml:5:37: models.m.features.d.threshold: must be a finite number",
          "driftd.toml:6:40: models.m.features.e.max: must not be less than min (5)",
          "driftd.toml:7:39: models.m.features.f.max_missing: must be a share between 0 and 1",
          "driftd.toml:8:34: models.m.features.g.values: only valid for categorical features "
          "(set type = \"categorical\")",
          "driftd.toml:9:35: models.m.features.h.min: only valid for numeric features",
          "driftd.toml:10:14: models.m.features.i.type: expected one of \"numeric\", "
          "\"categorical\", got \"text\"",
          "driftd.toml:11:14: models.m.features.j.test: unknown test \"t-test\" (expected one of "
          "auto, ks, wasserstein, psi, kl, jensenshannon, hellinger, cramervonmises, anderson, "
          "chisquare, ztest, linf, tvd, g_test, t_test, mannw, energy_distance, fisher_exact, "
          "tvd_perm)",
          "driftd.toml:11:36: models.m.features.j.threshold: must be greater than 0",
          "driftd.toml:12:25: models.m.features.k.treshold: unknown key (did you mean "
          "threshold?)"));
}

TEST(ModelLoaderErrorTest, ReferenceChecks) {
  EXPECT_THAT(Errors(R"([models.a]
reference = { path = "x.json" }
[models.b]
reference = { type = "baseline" }
[models.c]
reference = { type = "rolling", window = "7d", path = "x.json", events = 5 }
[models.d]
reference = { type = "first", events = 0 }
[models.e]
reference = "first"
)"),
              ElementsAre("driftd.toml:2:13: models.a.reference: type is required (\"baseline\", "
                          "\"first\" or \"rolling\")",
                          "driftd.toml:4:13: models.b.reference: path is required for reference "
                          "type \"baseline\"",
                          "driftd.toml:6:55: models.c.reference.path: only valid for reference "
                          "type \"baseline\"",
                          "driftd.toml:6:74: models.c.reference.events: only valid for reference "
                          "type \"first\"",
                          "driftd.toml:8:40: models.d.reference.events: must be at least 1, got 0",
                          "driftd.toml:10:13: models.e.reference: expected a table, got string"));
}

TEST(ModelLoaderErrorTest, ModelLevelChecks) {
  EXPECT_THAT(Errors(R"([models.m]
window = "0s"
min_samples = 0
max_model_age = 30
trained_at = "2026-11-20"
[models.n]
trained_at = 2026-11-20T00:00:00
[models.o]
trained_at = 5
)"),
              ElementsAre("driftd.toml:2:10: models.m.window: must be greater than 0s",
                          "driftd.toml:3:15: models.m.min_samples: must be at least 1, got 0",
                          "driftd.toml:4:17: models.m.max_model_age: expected a duration string "
                          "like \"15s\", got integer",
                          "driftd.toml:5:14: models.m.trained_at: \"2026-11-20\" is not an RFC "
                          "3339 date-time with a time zone, e.g. \"2026-11-20T00:00:00Z\"",
                          "driftd.toml:7:14: models.n.trained_at: \"2026-11-20T00:00:00\" is not "
                          "an RFC 3339 date-time with a time zone, e.g. \"2026-11-20T00:00:00Z\"",
                          "driftd.toml:9:14: models.o.trained_at: expected an RFC 3339 date-time "
                          "string like \"2026-11-20T00:00:00Z\", got integer"));
}

TEST(ModelLoaderErrorTest, PredictionQualityLatencyFieldsChecks) {
  EXPECT_THAT(Errors(R"([models.m.prediction]
type = "class"
test = "ks"
min = 0
[models.m.quality]
metric = "auc"
min = 1.2
[models.m.latency]
p50_max = "50ms"
p99_max = "10ms"
[models.m.fields]
ts = "meta/time"
labels = "/label"
[models.n.quality]
metric = "f1"
[models.o.quality]
metric = "mae"
max = -1
label_timeout = "0s"
)"),
              ElementsAre("driftd.toml:3:8: models.m.prediction.test: test \"ks\" needs numeric "
                          "values; categorical data can use chisquare, ztest, linf, tvd, g_test, "
                          "fisher_exact, tvd_perm, psi, kl, jensenshannon, hellinger",
                          "driftd.toml:4:7: models.m.prediction.min: only valid for score and "
                          "regression predictions",
                          "driftd.toml:7:7: models.m.quality.min: auc lies between 0 and 1",
                          "driftd.toml:10:11: models.m.latency.p99_max: must not be less than "
                          "p50_max",
                          "driftd.toml:12:6: models.m.fields.ts: \"meta/time\" is not a JSON "
                          "Pointer (expected \"\" or a path starting with \"/\", with ~ only as ~0 "
                          "or ~1)",
                          "driftd.toml:13:1: models.m.fields.labels: unknown key (did you mean "
                          "label?)",
                          "driftd.toml:15:10: models.n.quality.metric: expected one of "
                          "\"accuracy\", \"precision\", \"recall\", \"auc\", \"logloss\", "
                          "\"mae\", \"rmse\", got \"f1\"",
                          "driftd.toml:18:7: models.o.quality.max: mae is never negative",
                          "driftd.toml:19:17: models.o.quality.label_timeout: must be greater "
                          "than 0s"));
}

TEST(ModelLoaderErrorTest, DesignExampleErrorMessage) {
  // The error line DESIGN.md section 5 shows, for a threshold written as a string.
  std::string toml = kFraud;
  toml.replace(toml.find("threshold = 0.05"), 16, "threshold = \"0.05\"");
  EXPECT_THAT(Errors(toml), ElementsAre("driftd.toml:9:56: models.fraud.features.amount."
                                        "threshold: expected a number, got string"));
}

}  // namespace
}  // namespace driftd::config
