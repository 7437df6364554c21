// Tests of the [alerts] table, its [alerts.rules.<AlertName>] tables and the
// per-model [models.<m>.alerts.<AlertName>] overrides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config/alerts_loader.h"
#include "config/loader.h"
#include "config/tests/loader_test_util.h"

namespace driftd::config {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::Errors;
using testing::MustParse;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(AlertsDefaultsTest, MatchTheDocumentedValues) {
  // docs/configuration.md, [alerts] and rule tables.
  const Config config = MustParse("[models.m]\n");
  EXPECT_EQ(config.alerts.resend_interval, minutes(1));
  EXPECT_THAT(config.alerts.labels, IsEmpty());
  EXPECT_EQ(config.alerts.runbook_url, "");
  EXPECT_EQ(config.alerts.dashboard_url, "");
  EXPECT_EQ(config.alerts.outbox_max_entries, 10000u);
  EXPECT_THAT(config.alerts.rules, IsEmpty());
  EXPECT_THAT(config.models[0].alerts, IsEmpty());
}

TEST(AlertsDefaultsTest, UnwrittenRuleKeysTakeTheDocumentedDefaults) {
  const Config config = MustParse("[alerts.rules.ModelStale]\n[models.m]\n");
  const AlertRuleConfig& rule = config.alerts.rules.at("ModelStale");
  EXPECT_TRUE(rule.enabled);
  EXPECT_EQ(rule.for_duration, seconds(0));
  EXPECT_EQ(rule.severity, "");
  EXPECT_EQ(rule.clear_after, seconds(0));
  EXPECT_EQ(rule.hysteresis, 0.1);
  EXPECT_FALSE(rule.min_samples.has_value());
  EXPECT_EQ(rule.runbook_url, "");
  EXPECT_EQ(rule.dashboard_url, "");
}

TEST(AlertsTest, ReadsTheAlertsTable) {
  const Config config = MustParse(R"([alerts]
resend_interval = "2m"
labels = { team = "ml-platform", env = "prod", _tier = "1" }
runbook_url = "https://runbooks.example.org/driftd/{alertname}"
dashboard_url = "https://grafana.example.org/d/driftd?var-model={model}&var-feature={feature}"
outbox_max_entries = 500
[models.m]
)");
  EXPECT_EQ(config.alerts.resend_interval, minutes(2));
  EXPECT_EQ(config.alerts.labels, (std::map<std::string, std::string>{
                                      {"team", "ml-platform"}, {"env", "prod"}, {"_tier", "1"}}));
  EXPECT_EQ(config.alerts.runbook_url, "https://runbooks.example.org/driftd/{alertname}");
  EXPECT_EQ(config.alerts.dashboard_url,
            "https://grafana.example.org/d/driftd?var-model={model}&var-feature={feature}");
  EXPECT_EQ(config.alerts.outbox_max_entries, 500u);
}

TEST(AlertsTest, ReadsRuleTables) {
  const Config config = MustParse(R"([alerts.rules.FeatureDrift]
enabled = true
for = "10m"
severity = "critical"
clear_after = "30m"
hysteresis = 0.25
min_samples = 1000
runbook_url = "https://runbooks.example.org/{alertname}#{item}"
dashboard_url = "http://grafana:3000/d/x?m={model}"
[alerts.rules]
DependencyChanged = { enabled = false }
DataSilent = { for = "0s", hysteresis = 0, severity = "info" }
[models.m]
)");
  ASSERT_EQ(config.alerts.rules.size(), 3u);
  const AlertRuleConfig& drift = config.alerts.rules.at("FeatureDrift");
  EXPECT_TRUE(drift.enabled);
  EXPECT_EQ(drift.for_duration, minutes(10));
  EXPECT_EQ(drift.severity, "critical");
  EXPECT_EQ(drift.clear_after, minutes(30));
  EXPECT_EQ(drift.hysteresis, 0.25);
  EXPECT_EQ(drift.min_samples, 1000u);
  EXPECT_EQ(drift.runbook_url, "https://runbooks.example.org/{alertname}#{item}");
  EXPECT_EQ(drift.dashboard_url, "http://grafana:3000/d/x?m={model}");
  EXPECT_FALSE(config.alerts.rules.at("DependencyChanged").enabled);
  EXPECT_EQ(config.alerts.rules.at("DataSilent").hysteresis, 0.0);
  EXPECT_EQ(config.alerts.rules.at("DataSilent").severity, "info");
}

TEST(AlertsTest, EveryAlertNameOfTheDesignIsARule) {
  std::string toml;
  for (std::string_view name : kAlertNames) toml += "[alerts.rules." + std::string(name) + "]\n";
  toml += "[models.m]\n";
  const Config config = MustParse(toml);
  EXPECT_EQ(config.alerts.rules.size(), 11u);  // DESIGN.md section 9 names eleven alerts
  EXPECT_TRUE(config.alerts.rules.contains("NonFinitePredictions"));
  EXPECT_TRUE(config.alerts.rules.contains("ThroughputDrop"));
}

TEST(AlertsTest, TemplatesTakeSeverityAndPercentEncodedBraces) {
  const Config config = MustParse(R"([alerts]
runbook_url = "https://wiki/{severity}/{alertname}"
dashboard_url = "https://grafana/explore?left=%7B%22model%22:%22{model}%22%7D"
[models.m]
)");
  EXPECT_EQ(config.alerts.runbook_url, "https://wiki/{severity}/{alertname}");
  EXPECT_EQ(config.alerts.dashboard_url,
            "https://grafana/explore?left=%7B%22model%22:%22{model}%22%7D");
}

TEST(ModelAlertOverridesTest, StartFromTheGlobalRuleAndReplaceOnlyWrittenKeys) {
  const Config config = MustParse(R"([alerts.rules.FeatureDrift]
for = "10m"
severity = "warning"
hysteresis = 0.2
[models.fraud.alerts.FeatureDrift]
severity = "critical"
min_samples = 5000
[models.fraud.alerts.ModelStale]
enabled = false
[models.churn]
)");
  const ModelConfig& fraud = config.models[0];
  ASSERT_EQ(fraud.alerts.size(), 2u);
  const AlertRuleConfig& drift = fraud.alerts.at("FeatureDrift");
  EXPECT_EQ(drift.severity, "critical");          // the model's
  EXPECT_EQ(drift.min_samples, 5000u);            // the model's
  EXPECT_EQ(drift.for_duration, minutes(10));     // the global rule's
  EXPECT_EQ(drift.hysteresis, 0.2);               // the global rule's
  EXPECT_TRUE(drift.enabled);                     // the default
  const AlertRuleConfig& stale = fraud.alerts.at("ModelStale");
  EXPECT_FALSE(stale.enabled);
  EXPECT_EQ(stale.hysteresis, 0.1);  // no global rule: the defaults
  // The global rule itself is unchanged, and other models have no override.
  EXPECT_EQ(config.alerts.rules.at("FeatureDrift").severity, "warning");
  EXPECT_THAT(config.models[1].alerts, IsEmpty());
}

TEST(ModelAlertOverridesTest, OverridesMayBeInline) {
  const Config config = MustParse(
      "[models.m]\nalerts = { DataSilent = { for = \"1h\" }, LatencyRegression = { severity = "
      "\"info\" } }\n");
  EXPECT_EQ(config.models[0].alerts.at("DataSilent").for_duration, hours(1));
  EXPECT_EQ(config.models[0].alerts.at("LatencyRegression").severity, "info");
}

TEST(AlertsErrorTest, TableValues) {
  EXPECT_THAT(Errors(R"([alerts]
resend_interval = "0s"
runbook_url = "runbooks/{alertname}"
dashboard_url = ""
outbox_max_entries = 0
rules = 5
[models.m]
)"),
              ElementsAre("driftd.toml:2:19: alerts.resend_interval: must be greater than 0s",
                          "driftd.toml:3:15: alerts.runbook_url: \"runbooks/{alertname}\" is not "
                          "an http:// or https:// URL",
                          "driftd.toml:4:17: alerts.dashboard_url: must not be empty",
                          "driftd.toml:5:22: alerts.outbox_max_entries: must be at least 1, got 0",
                          "driftd.toml:6:9: alerts.rules: expected a table, got integer"));
}

TEST(AlertsErrorTest, LabelNamesAndValues) {
  EXPECT_THAT(Errors(R"([alerts.labels]
"team-name" = "ml"
9x = "a"
__meta = "a"
severity = "page"
alertname = "x"
env = ""
tier = 1
ok_label = "fine"
[models.m]
)"),
              ElementsAre("driftd.toml:2:1: alerts.labels.team-name: label name must match "
                          "[a-zA-Z_][a-zA-Z0-9_]*",
                          "driftd.toml:3:1: alerts.labels.9x: label name must match "
                          "[a-zA-Z_][a-zA-Z0-9_]*",
                          "driftd.toml:4:1: alerts.labels.__meta: label names starting with __ "
                          "are reserved for internal use",
                          "driftd.toml:5:1: alerts.labels.severity: label \"severity\" is set by "
                          "driftd",
                          "driftd.toml:6:1: alerts.labels.alertname: label \"alertname\" is set "
                          "by driftd",
                          "driftd.toml:7:7: alerts.labels.env: must not be empty",
                          "driftd.toml:8:8: alerts.labels.tier: expected a string, got integer"));
}

TEST(AlertsErrorTest, ReservedLabelsAreTheOnesDriftdSets) {
  // DESIGN.md section 9, plus `rule` and `subject` of alerts/rules.h AlertLabels.
  for (const char* name : {"alertname", "model", "feature", "item", "severity", "rule", "subject"}) {
    EXPECT_THAT(Errors("[alerts.labels]\n" + std::string(name) + " = \"x\"\n[models.m]\n"),
                ElementsAre("driftd.toml:2:1: alerts.labels." + std::string(name) + ": label \"" +
                            name + "\" is set by driftd"));
  }
}

TEST(AlertsErrorTest, UnknownAlertNamesAreSuggestedOrListed) {
  EXPECT_THAT(Errors(R"([alerts.rules.FeatureDrfit]
[alerts.rules.featuredrift]
[alerts.rules.Paging]
[models.m.alerts.ModelStal]
)"),
              ElementsAre("driftd.toml:1:15: alerts.rules.FeatureDrfit: unknown alert "
                          "\"FeatureDrfit\" (did you mean FeatureDrift?)",
                          "driftd.toml:2:15: alerts.rules.featuredrift: unknown alert "
                          "\"featuredrift\" (did you mean FeatureDrift?)",
                          "driftd.toml:3:15: alerts.rules.Paging: unknown alert \"Paging\" "
                          "(expected one of FeatureDrift, PredictionDrift, DatasetDrift, "
                          "DataInvariantViolated, ModelStale, DataSilent, NonFinitePredictions, "
                          "LatencyRegression, ThroughputDrop, QualityRegression, "
                          "DependencyChanged)",
                          "driftd.toml:4:18: models.m.alerts.ModelStal: unknown alert "
                          "\"ModelStal\" (did you mean ModelStale?)"));
}

TEST(AlertsErrorTest, RuleValues) {
  EXPECT_THAT(Errors(R"([alerts.rules.FeatureDrift]
enabled = "no"
for = "-5m"
severity = "page"
clear_after = 30
hysteresis = 1.5
min_samples = 0
runbook_url = "https://wiki/{alert}"
dashboard_url = "https://grafana/{model"
durtion = "5m"
[alerts.rules]
ModelStale = "warning"
[models.m]
)"),
              ElementsAre("driftd.toml:2:11: alerts.rules.FeatureDrift.enabled: expected a "
                          "boolean (true or false), got string",
                          "driftd.toml:3:7: alerts.rules.FeatureDrift.for: invalid duration "
                          "\"-5m\" (expected e.g. \"500ms\", \"15s\", \"1h30m\", \"7d\")",
                          "driftd.toml:4:12: alerts.rules.FeatureDrift.severity: expected one of "
                          "\"info\", \"warning\", \"critical\", got \"page\"",
                          "driftd.toml:5:15: alerts.rules.FeatureDrift.clear_after: expected a "
                          "duration string like \"15s\", got integer",
                          "driftd.toml:6:14: alerts.rules.FeatureDrift.hysteresis: must be "
                          "between 0 and 1, got 1.5",
                          "driftd.toml:7:15: alerts.rules.FeatureDrift.min_samples: must be at "
                          "least 1, got 0",
                          "driftd.toml:8:15: alerts.rules.FeatureDrift.runbook_url: unknown "
                          "placeholder {alert} (expected {alertname}, {model}, {feature}, {item} "
                          "or {severity})",
                          "driftd.toml:9:17: alerts.rules.FeatureDrift.dashboard_url: unclosed { "
                          "at offset 16 (write %7B for a literal brace)",
                          "driftd.toml:10:1: alerts.rules.FeatureDrift.durtion: unknown key",
                          "driftd.toml:12:14: alerts.rules.ModelStale: expected a table like "
                          "{ for = \"5m\", severity = \"critical\" }, got string"));
}

TEST(AlertsErrorTest, TemplatePlaceholderProblems) {
  EXPECT_THAT(Errors(R"([alerts]
runbook_url = "https://wiki/{modle}"
dashboard_url = "https://grafana/{}"
[alerts.rules.ModelStale]
runbook_url = "https://wiki/a}b"
dashboard_url = "https://grafana/{version}"
[models.m]
)"),
              ElementsAre("driftd.toml:2:15: alerts.runbook_url: unknown placeholder {modle} "
                          "(did you mean {model}?)",
                          "driftd.toml:3:17: alerts.dashboard_url: unknown placeholder {} "
                          "(expected {alertname}, {model}, {feature}, {item} or {severity})",
                          "driftd.toml:5:15: alerts.rules.ModelStale.runbook_url: unmatched } at "
                          "offset 14 (write %7D for a literal brace)",
                          "driftd.toml:6:17: alerts.rules.ModelStale.dashboard_url: unknown "
                          "placeholder {version} (expected {alertname}, {model}, {feature}, "
                          "{item} or {severity})"));
}

TEST(ModelAlertOverridesErrorTest, SameChecksAsRules) {
  EXPECT_THAT(Errors(R"([models.m.alerts.FeatureDrift]
hysteresis = -0.1
severity = "Critical"
for = "5 m"
[models.m.alerts.DataSilent]
runbook_url = "https://x/{feature"
[models.n]
alerts = 3
)"),
              ElementsAre("driftd.toml:2:14: models.m.alerts.FeatureDrift.hysteresis: must be "
                          "between 0 and 1, got -0.1",
                          "driftd.toml:3:12: models.m.alerts.FeatureDrift.severity: expected one "
                          "of \"info\", \"warning\", \"critical\", got \"Critical\"",
                          "driftd.toml:4:7: models.m.alerts.FeatureDrift.for: invalid duration "
                          "\"5 m\" (expected e.g. \"500ms\", \"15s\", \"1h30m\", \"7d\")",
                          "driftd.toml:6:15: models.m.alerts.DataSilent.runbook_url: unclosed { "
                          "at offset 10 (write %7B for a literal brace)",
                          "driftd.toml:8:10: models.n.alerts: expected a table, got integer"));
}

}  // namespace
}  // namespace driftd::config
