// Tests of the loader's file handling, the [daemon], [http], [source] and
// [[sinks]] sections, and the error format. Models: loader_models_test.cc.
#include "config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "config/tests/loader_test_util.h"

namespace driftd::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::Errors;
using testing::MustParse;
using ::testing::ElementsAre;

TEST(ConfigErrorTest, FormatsPositionAndKeyPath) {
  EXPECT_EQ((ConfigError{"driftd.toml", 14, 9, "models.fraud.features.amount.threshold",
                         "expected a number, got string"})
                .ToString(),
            "driftd.toml:14:9: models.fraud.features.amount.threshold: expected a number, got "
            "string");
  EXPECT_EQ((ConfigError{"a.toml", 2, 5, "", "syntax"}).ToString(), "a.toml:2:5: syntax");
  EXPECT_EQ((ConfigError{"a.toml", 0, 0, "", "cannot read"}).ToString(), "a.toml: cannot read");
}

TEST(LoaderTest, OneEmptyModelGivesAllDefaults) {
  const Config config = MustParse("[models.fraud]\n");
  const Config defaults;
  EXPECT_EQ(config.path, "driftd.toml");
  EXPECT_EQ(config.daemon.state_dir, "/var/lib/driftd");
  EXPECT_EQ(config.daemon.evaluation_interval, seconds(15));
  EXPECT_EQ(config.daemon.shutdown_timeout, seconds(10));
  EXPECT_EQ(config.daemon.log_level, LogLevel::kInfo);
  EXPECT_EQ(config.daemon.max_event_bytes, 1u << 20);
  EXPECT_EQ(config.http.listen, "127.0.0.1:7461");
  EXPECT_EQ(config.http.request_timeout, defaults.http.request_timeout);
  EXPECT_EQ(config.http.max_connections, 256u);
  EXPECT_EQ(config.source.type, SourceType::kFile);
  EXPECT_EQ(config.source.path, "-");
  ASSERT_EQ(config.sinks.size(), 1u);
  EXPECT_EQ(config.sinks[0].type, SinkType::kLog);
  EXPECT_EQ(config.sinks[0].name, "log");
  ASSERT_EQ(config.models.size(), 1u);
  const ModelConfig& model = config.models[0];
  EXPECT_EQ(model.name, "fraud");
  EXPECT_EQ(model.window, hours(1));
  EXPECT_EQ(model.reference.type, ReferenceType::kFirst);
  EXPECT_EQ(model.reference.events, 10000u);
  EXPECT_EQ(model.min_samples, 200u);
  EXPECT_FALSE(model.max_model_age.has_value());
  EXPECT_FALSE(model.prediction.has_value());
  EXPECT_FALSE(model.quality.has_value());
  EXPECT_FALSE(model.latency.has_value());
  EXPECT_TRUE(model.features.empty());
  EXPECT_EQ(model.fields.ts, "/ts");
}

TEST(LoaderTest, ReadsDaemonSection) {
  const Config config = MustParse(R"(
[daemon]
state_dir = "/srv/driftd"
evaluation_interval = "1m30s"
shutdown_timeout = "500ms"
log_level = "debug"
max_event_bytes = "64KiB"
[models.m]
)");
  EXPECT_EQ(config.daemon.state_dir, "/srv/driftd");
  EXPECT_EQ(config.daemon.evaluation_interval, seconds(90));
  EXPECT_EQ(config.daemon.shutdown_timeout, milliseconds(500));
  EXPECT_EQ(config.daemon.log_level, LogLevel::kDebug);
  EXPECT_EQ(config.daemon.max_event_bytes, 65536u);
}

TEST(LoaderTest, SizesMayBePlainIntegers) {
  const Config config = MustParse("[daemon]\nmax_event_bytes = 4096\n[models.m]\n");
  EXPECT_EQ(config.daemon.max_event_bytes, 4096u);
}

TEST(LoaderTest, ReadsHttpSectionWithIpv6Listen) {
  const Config config = MustParse(R"(
[http]
listen = "[::1]:7461"
request_timeout = "5s"
idle_timeout = "2m"
max_request_bytes = "1MiB"
max_connections = 16
[models.m]
)");
  EXPECT_EQ(config.http.listen, "[::1]:7461");
  EXPECT_EQ(config.http.request_timeout, seconds(5));
  EXPECT_EQ(config.http.idle_timeout, minutes(2));
  EXPECT_EQ(config.http.max_request_bytes, 1u << 20);
  EXPECT_EQ(config.http.max_connections, 16u);
}

TEST(LoaderTest, ReadsKafkaSourceWithLibrdkafkaPassThrough) {
  const Config config = MustParse(R"(
[source]
type = "kafka"
brokers = "10.0.0.1:9092,10.0.0.2:9092"
group_id = "driftd-prod"
topics = ["ml.predictions", "ml.labels"]
[source.librdkafka]
"security.protocol" = "SASL_SSL"
sasl.mechanisms = "PLAIN"
"fetch.wait.max.ms" = 50
"enable.partition.eof" = false
[source.topic_models]
"ml.predictions" = "fraud"
[models.fraud]
)");
  EXPECT_EQ(config.source.type, SourceType::kKafka);
  EXPECT_EQ(config.source.brokers, "10.0.0.1:9092,10.0.0.2:9092");
  EXPECT_EQ(config.source.group_id, "driftd-prod");
  EXPECT_EQ(config.source.topics, (std::vector<std::string>{"ml.predictions", "ml.labels"}));
  const std::map<std::string, std::string> expected = {
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanisms", "PLAIN"},
      {"fetch.wait.max.ms", "50"},
      {"enable.partition.eof", "false"},
  };
  EXPECT_EQ(config.source.librdkafka, expected);
  EXPECT_EQ(config.source.topic_models,
            (std::map<std::string, std::string>{{"ml.predictions", "fraud"}}));
}

TEST(LoaderTest, ReadsFileSourceWithInlineTopicModels) {
  const Config config = MustParse(R"(
[source]
type = "file"
path = "/var/log/predictions.jsonl"
follow = true
poll_interval = "1s"
topic_models = { "-" = "fraud" }
[models.fraud]
)");
  EXPECT_EQ(config.source.type, SourceType::kFile);
  EXPECT_EQ(config.source.path, "/var/log/predictions.jsonl");
  EXPECT_TRUE(config.source.follow);
  EXPECT_EQ(config.source.poll_interval, seconds(1));
  EXPECT_EQ(config.source.topic_models.at("-"), "fraud");
}

TEST(LoaderTest, ReadsSinksAndNamesThemByType) {
  const Config config = MustParse(R"(
[[sinks]]
type = "alertmanager"
url = "http://127.0.0.1:9093"
timeout = "5s"
[[sinks]]
type = "webhook"
url = "https://hooks.example.org/driftd"
[[sinks]]
type = "webhook"
name = "pager"
url = "https://pager.example.org/"
[[sinks]]
type = "log"
[models.m]
)");
  ASSERT_EQ(config.sinks.size(), 4u);
  EXPECT_EQ(config.sinks[0].type, SinkType::kAlertmanager);
  EXPECT_EQ(config.sinks[0].name, "alertmanager");
  EXPECT_EQ(config.sinks[0].url, "http://127.0.0.1:9093");
  EXPECT_EQ(config.sinks[0].timeout, seconds(5));
  EXPECT_EQ(config.sinks[1].name, "webhook-1");
  EXPECT_EQ(config.sinks[1].timeout, seconds(10));
  EXPECT_EQ(config.sinks[2].name, "pager");
  EXPECT_EQ(config.sinks[3].type, SinkType::kLog);
  EXPECT_EQ(config.sinks[3].name, "log");
}

TEST(LoaderErrorTest, UnknownKeyWithSuggestion) {
  EXPECT_THAT(Errors("[daemon]\nstate_dir = \"/x\"\n\n\n\n\nevaluation_intervall = \"15s\"\n"
                     "[models.m]\n"),
              ElementsAre("driftd.toml:7:1: daemon.evaluation_intervall: unknown key (did you "
                          "mean evaluation_interval?)"));
}

TEST(LoaderErrorTest, UnknownKeysAtEveryLevel) {
  EXPECT_THAT(Errors(R"(colour = 1
[deamon]
[http]
lisen = "127.0.0.1:1"
[source]
topic = ["x"]
[source.topic_models]
[[sinks]]
type = "log"
nmae = "l"
[models.m]
windw = "1h"
reference = { type = "first", event = 5 }
[models.m.features]
a = { type = "numeric", bogus = 1 }
[models.m.prediction]
typ = "score"
)"),
              ElementsAre("driftd.toml:1:1: colour: unknown key",
                          "driftd.toml:2:2: deamon: unknown key (did you mean daemon?)",
                          "driftd.toml:4:1: http.lisen: unknown key (did you mean listen?)",
                          "driftd.toml:6:1: source.topic: unknown key (did you mean topics?)",
                          "driftd.toml:10:1: sinks[0].nmae: unknown key (did you mean name?)",
                          "driftd.toml:12:1: models.m.windw: unknown key (did you mean window?)",
                          "driftd.toml:13:31: models.m.reference.event: unknown key (did you mean "
                          "events?)",
                          "driftd.toml:15:25: models.m.features.a.bogus: unknown key",
                          "driftd.toml:17:1: models.m.prediction.typ: unknown key (did you mean "
                          "type?)"));
}

TEST(LoaderErrorTest, WrongTypesNameExpectedAndActualType) {
  EXPECT_THAT(Errors(R"([daemon]
evaluation_interval = 15
state_dir = 5
max_event_bytes = 1.5
[http]
max_connections = "many"
[source]
follow = "yes"
topics = "ml.predictions"
[models]
m = 3
)"),
              ElementsAre("driftd.toml:2:23: daemon.evaluation_interval: expected a duration "
                          "string like \"15s\", got integer",
                          "driftd.toml:3:13: daemon.state_dir: expected a string, got integer",
                          "driftd.toml:4:19: daemon.max_event_bytes: expected a size like "
                          "\"1MiB\" or an integer number of bytes, got float",
                          "driftd.toml:6:19: http.max_connections: expected an integer, got string",
                          "driftd.toml:8:10: source.follow: expected a boolean (true or false), "
                          "got string",
                          "driftd.toml:9:10: source.topics: expected an array of strings, got "
                          "string",
                          "driftd.toml:11:5: models.m: expected a table [models.m], got integer"));
}

TEST(LoaderErrorTest, InvalidValues) {
  EXPECT_THAT(Errors(R"([daemon]
evaluation_interval = "15 s"
shutdown_timeout = "0s"
log_level = "verbose"
max_event_bytes = "0"
[http]
listen = "::1:80"
max_connections = 0
[models.m]
)"),
              ElementsAre("driftd.toml:2:23: daemon.evaluation_interval: invalid duration \"15 s\" "
                          "(expected e.g. \"500ms\", \"15s\", \"1h30m\", \"7d\")",
                          "driftd.toml:3:20: daemon.shutdown_timeout: must be greater than 0s",
                          "driftd.toml:4:13: daemon.log_level: expected one of \"debug\", "
                          "\"info\", \"warn\", \"error\", got \"verbose\"",
                          "driftd.toml:5:19: daemon.max_event_bytes: must be greater than 0 bytes",
                          "driftd.toml:7:10: http.listen: invalid address \"::1:80\": IPv6 "
                          "address must be written as \"[addr]:port\"",
                          "driftd.toml:8:19: http.max_connections: must be at least 1, got 0"));
}

TEST(LoaderErrorTest, SourceProblems) {
  EXPECT_THAT(Errors(R"([source]
type = "kafka"
topics = ["a", "", "a", 3]
[source.librdkafka]
"bootstrap.servers" = "x:9092"
group.id = "g"
"linger.ms" = 1.5
[source.topic_models]
a = "nosuch"
b = "m"
[models.m]
)"),
              ElementsAre("driftd.toml:3:16: source.topics[1]: must not be empty",
                          "driftd.toml:3:20: source.topics[2]: duplicate value \"a\"",
                          "driftd.toml:3:25: source.topics[3]: expected a string, got integer",
                          "driftd.toml:5:1: source.librdkafka.\"bootstrap.servers\": set "
                          "source.brokers instead",
                          "driftd.toml:6:7: source.librdkafka.group.id: set source.group_id "
                          "instead",
                          "driftd.toml:7:15: source.librdkafka.\"linger.ms\": expected a string, "
                          "integer or boolean librdkafka property, got float",
                          "driftd.toml:9:5: source.topic_models.a: no model \"nosuch\" is "
                          "configured",
                          "driftd.toml:10:1: source.topic_models.b: topic is not listed in "
                          "source.topics"));
}

TEST(LoaderErrorTest, KafkaSourceNeedsTopics) {
  EXPECT_THAT(Errors("[source]\ntype = \"kafka\"\n[models.m]\n"),
              ElementsAre("driftd.toml:1:1: source.topics: a kafka source needs at least one "
                          "topic"));
  EXPECT_THAT(Errors("[source]\ntype = \"kafka\"\ntopics = []\n[models.m]\n"),
              ElementsAre("driftd.toml:3:10: source.topics: a kafka source needs at least one "
                          "topic"));
}

TEST(LoaderErrorTest, SinkProblems) {
  EXPECT_THAT(Errors(R"([[sinks]]
type = "alertmanager"
[[sinks]]
type = "webhook"
url = "hooks.example.org"
[[sinks]]
type = "log"
url = "http://x"
[[sinks]]
type = "log"
name = "alerts"
[[sinks]]
type = "pagerduty"
[[sinks]]
url = "http://x"
name = "alerts"
[models.m]
)"),
              ElementsAre("driftd.toml:1:1: sinks[0]: url is required for sink type "
                          "\"alertmanager\"",
                          "driftd.toml:5:7: sinks[1].url: \"hooks.example.org\" is not an "
                          "http:// or https:// URL",
                          "driftd.toml:8:7: sinks[2].url: a log sink takes no url",
                          "driftd.toml:13:8: sinks[4].type: expected one of \"alertmanager\", "
                          "\"webhook\", \"log\", got \"pagerduty\"",
                          "driftd.toml:14:1: sinks[5]: type is required (\"alertmanager\", "
                          "\"webhook\" or \"log\")",
                          "driftd.toml:16:8: sinks[5].name: duplicate sink name \"alerts\""));
  EXPECT_THAT(Errors("[sinks]\ntype = \"log\"\n[models.m]\n"),
              ElementsAre("driftd.toml:1:1: sinks: expected an array of tables ([[sinks]]), got "
                          "table"));
}

TEST(LoaderErrorTest, AtLeastOneModel) {
  EXPECT_THAT(Errors(""), ElementsAre("driftd.toml:1:1: models: at least one model is required, "
                                      "e.g. [models.fraud]"));
  EXPECT_THAT(Errors("[daemon]\n[models]\n"),
              ElementsAre("driftd.toml:2:2: models: at least one model is required, e.g. "
                          "[models.fraud]"));
}

TEST(LoaderErrorTest, SyntaxErrorIsReportedAloneWithItsPosition) {
  const LoadResult result = ParseConfig("[daemon]\nstate_dir = \"/x\"\nlog_level = = 2\n"
                                        "bogus_key = 1\n",
                                        "driftd.toml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.errors[0].file, "driftd.toml");
  EXPECT_EQ(result.errors[0].line, 3);
  EXPECT_EQ(result.errors[0].column, 13);
  EXPECT_EQ(result.errors[0].key_path, "");
  EXPECT_FALSE(result.errors[0].message.empty());
}

TEST(LoaderErrorTest, DuplicateKeyIsASyntaxError) {
  const LoadResult result = ParseConfig("[models.m]\nwindow = \"1h\"\nwindow = \"2h\"\n", "x.toml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 3);
}

TEST(LoaderErrorTest, AllErrorsComeSortedByLine) {
  // Sections are read in a different order than they are written.
  const LoadResult result = ParseConfig(R"([models.m]
window = 1
[source]
type = "tape"
[daemon]
log_level = 1
[http]
listen = 2
)",
                                        "driftd.toml");
  ASSERT_EQ(result.errors.size(), 4u);
  EXPECT_FALSE(result.config);
  std::vector<int> lines;
  for (const auto& e : result.errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 4, 6, 8}));
}

class LoadConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("driftd_config_" + std::string(::testing::UnitTest::GetInstance()
                                               ->current_test_info()
                                               ->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "etc");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(LoadConfigFileTest, LoadsAFileAndResolvesRelativeBaselinePaths) {
  const std::string path = Write("etc/driftd.toml", R"([models.a]
reference = { type = "baseline", path = "profiles/a.json" }
[models.b]
reference = { type = "baseline", path = "../b.json" }
[models.c]
reference = { type = "baseline", path = "/abs/c.json" }
)");
  const LoadResult result = LoadConfigFile(path);
  ASSERT_TRUE(result.ok()) << result.errors[0].ToString();
  EXPECT_EQ(result.config->path, path);
  const std::filesystem::path etc = std::filesystem::absolute(dir_ / "etc").lexically_normal();
  EXPECT_EQ(result.config->models[0].reference.path, (etc / "profiles/a.json").string());
  EXPECT_EQ(result.config->models[1].reference.path,
            (etc.parent_path() / "b.json").lexically_normal().string());
  EXPECT_EQ(result.config->models[2].reference.path, "/abs/c.json");
}

TEST_F(LoadConfigFileTest, ErrorsNameTheFileAsGiven) {
  const std::string path = Write("bad.toml", "[models.m]\nwindow = \"forever\"\n");
  const LoadResult result = LoadConfigFile(path);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].ToString(),
            path + ":2:10: models.m.window: invalid duration \"forever\" (expected e.g. "
                   "\"500ms\", \"15s\", \"1h30m\", \"7d\")");
}

TEST_F(LoadConfigFileTest, MissingFileGivesOneClearError) {
  const std::string path = (dir_ / "nope.toml").string();
  const LoadResult result = LoadConfigFile(path);
  EXPECT_FALSE(result.ok());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].ToString(),
            path + ": cannot read config file: No such file or directory");
}

TEST_F(LoadConfigFileTest, DirectoryIsRejected) {
  const LoadResult result = LoadConfigFile((dir_ / "etc").string());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message, "cannot read config file: is a directory");
}

TEST(ConfigSummaryTest, DescribesModelsSourceSinksAndListen) {
  const Config config = MustParse(R"([source]
type = "kafka"
topics = ["a", "b", "c"]
[[sinks]]
type = "log"
[[sinks]]
type = "webhook"
url = "http://x"
[models.fraud]
[models.churn]
)");
  EXPECT_EQ(ConfigSummary(config),
            "2 models (fraud, churn), kafka source (3 topics), 2 sinks, http 127.0.0.1:7461");
}

TEST(ExamplesTest, EveryShippedExampleLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DRIFTD_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    const LoadResult result = LoadConfigFile(entry.path().string());
    for (const ConfigError& e : result.errors) ADD_FAILURE() << e.ToString();
    EXPECT_TRUE(result.ok()) << entry.path();
  }
  EXPECT_GE(count, 2);
}

TEST(ExamplesTest, EveryTruncationOfTheProductionExampleFailsCleanly) {
  // Cutting the file anywhere gives valid TOML, a syntax error or
  // validation errors; never a crash, and every error is located.
  std::ifstream in(std::string(DRIFTD_EXAMPLES_DIR) + "/driftd.toml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(text.size(), 1000u);
  int failed = 0;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const LoadResult result = ParseConfig(std::string_view(text).substr(0, cut), "driftd.toml");
    EXPECT_EQ(result.ok(), result.errors.empty());
    if (!result.ok()) ++failed;
    for (const ConfigError& e : result.errors) {
      ASSERT_GE(e.line, 1) << "cut at " << cut << ": " << e.ToString();
      ASSERT_GE(e.column, 1) << "cut at " << cut << ": " << e.ToString();
      ASSERT_FALSE(e.message.empty()) << "cut at " << cut;
    }
  }
  EXPECT_GT(failed, 0);  // e.g. the cut before the first model
}

}  // namespace
}  // namespace driftd::config
