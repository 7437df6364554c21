// Tests of the [daemon] checkpoint keys, the [source] Kafka tuning keys and
// the HTTP options of [[sinks]] (authentication, TLS, backoff, headers).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config/loader.h"
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
using ::testing::IsEmpty;

TEST(RuntimeDefaultsTest, MatchTheDocumentedValues) {
  // docs/configuration.md, [daemon], [source] and [[sinks]] tables.
  const Config config = MustParse("[[sinks]]\ntype = \"webhook\"\nurl = \"http://x\"\n[models.m]\n");
  EXPECT_EQ(config.daemon.checkpoint_interval, seconds(30));
  EXPECT_EQ(config.daemon.checkpoints_kept, 2u);
  EXPECT_EQ(config.source.statistics_interval, seconds(5));
  EXPECT_EQ(config.source.session_timeout, seconds(30));
  ASSERT_EQ(config.sinks.size(), 1u);
  const SinkConfig& sink = config.sinks[0];
  EXPECT_EQ(sink.bearer_token_file, "");
  EXPECT_EQ(sink.basic_auth_user, "");
  EXPECT_EQ(sink.basic_auth_password_file, "");
  EXPECT_EQ(sink.ca_file, "");
  EXPECT_FALSE(sink.tls_insecure_skip_verify);
  EXPECT_EQ(sink.initial_backoff, seconds(1));
  EXPECT_EQ(sink.max_backoff, seconds(60));
  EXPECT_THAT(sink.headers, IsEmpty());
}

TEST(DaemonCheckpointTest, ReadsIntervalAndCount) {
  const Config config = MustParse(R"([daemon]
checkpoint_interval = "2m"
checkpoints_kept = 5
[models.m]
)");
  EXPECT_EQ(config.daemon.checkpoint_interval, minutes(2));
  EXPECT_EQ(config.daemon.checkpoints_kept, 5u);
}

TEST(DaemonCheckpointTest, RejectsZeroAndOutOfRangeValues) {
  EXPECT_THAT(Errors(R"([daemon]
checkpoint_interval = "0s"
checkpoints_kept = 0
[models.m]
)"),
              ElementsAre("driftd.toml:2:23: daemon.checkpoint_interval: must be greater than 0s",
                          "driftd.toml:3:20: daemon.checkpoints_kept: must be at least 1, got 0"));
  EXPECT_THAT(Errors("[daemon]\ncheckpoints_kept = 4294967296\ncheckpoint_interval = 30\n"
                     "[models.m]\n"),
              ElementsAre("driftd.toml:2:20: daemon.checkpoints_kept: must be at most 4294967295, "
                          "got 4294967296",
                          "driftd.toml:3:23: daemon.checkpoint_interval: expected a duration "
                          "string like \"15s\", got integer"));
}

TEST(SourceTuningTest, ReadsKafkaTimings) {
  const Config config = MustParse(R"([source]
type = "kafka"
topics = ["t"]
statistics_interval = "30s"
session_timeout = "45s"
[models.m]
)");
  EXPECT_EQ(config.source.statistics_interval, seconds(30));
  EXPECT_EQ(config.source.session_timeout, seconds(45));
}

TEST(SourceTuningTest, AcceptedForAFileSourceToo) {
  const Config config = MustParse(
      "[source]\ntype = \"file\"\nstatistics_interval = \"1s\"\nsession_timeout = \"1h\"\n"
      "[models.m]\n");
  EXPECT_EQ(config.source.statistics_interval, seconds(1));
  EXPECT_EQ(config.source.session_timeout, hours(1));
}

TEST(SourceTuningTest, RejectsValuesLibrdkafkaCannotTake) {
  // Ranges from librdkafka's CONFIGURATION.md: statistics.interval.ms
  // 0..86400000 with 1000 ms granularity, session.timeout.ms 1..3600000.
  EXPECT_THAT(Errors(R"([source]
statistics_interval = "500ms"
session_timeout = "2h"
[models.m]
[models.n]
)"),
              ElementsAre("driftd.toml:2:23: source.statistics_interval: must be between 1s and "
                          "1d (the range of librdkafka's statistics.interval.ms), got 500ms",
                          "driftd.toml:3:19: source.session_timeout: must be between 1ms and 1h "
                          "(the range of librdkafka's session.timeout.ms), got 2h"));
  EXPECT_THAT(Errors("[source]\nstatistics_interval = \"1500us\"\nsession_timeout = \"10500us\"\n"
                     "[models.m]\n"),
              ElementsAre("driftd.toml:2:23: source.statistics_interval: must be between 1s and "
                          "1d (the range of librdkafka's statistics.interval.ms), got 1ms500us",
                          "driftd.toml:3:19: source.session_timeout: must be a whole number of "
                          "milliseconds, got 10ms500us"));
  EXPECT_THAT(Errors("[source]\nsession_timeout = \"0s\"\nstatistics_interval = 5\n[models.m]\n"),
              ElementsAre("driftd.toml:2:19: source.session_timeout: must be greater than 0s",
                          "driftd.toml:3:23: source.statistics_interval: expected a duration "
                          "string like \"15s\", got integer"));
}

TEST(SourceTuningTest, LibrdkafkaSpellingsOfTheTuningKeysAreRefused) {
  // A dotted key is located at its last part (column 21: "ms").
  EXPECT_THAT(Errors(R"([source.librdkafka]
"session.timeout.ms" = 45000
statistics.interval.ms = 5000
[models.m]
)"),
              ElementsAre("driftd.toml:2:1: source.librdkafka.\"session.timeout.ms\": set "
                          "source.session_timeout instead",
                          "driftd.toml:3:21: source.librdkafka.statistics.interval.ms: set "
                          "source.statistics_interval instead"));
}

TEST(SourceTuningTest, PassThroughThatTheKafkaSourceWouldRefuseIsAnError) {
  // collectors/kafka_source.cc refuses these at start-up; check-config finds them first.
  EXPECT_THAT(Errors(R"([source.librdkafka]
"enable.auto.commit" = true
"enable.auto.offset.store" = false
"partition.assignment.strategy" = "cooperative-sticky"
[models.m]
)"),
              ElementsAre("driftd.toml:2:1: source.librdkafka.\"enable.auto.commit\": cannot be "
                          "set: driftd commits offsets itself, after each checkpoint",
                          "driftd.toml:3:1: source.librdkafka.\"enable.auto.offset.store\": cannot "
                          "be set: driftd commits offsets itself, after each checkpoint",
                          "driftd.toml:4:35: source.librdkafka.\"partition.assignment.strategy\": "
                          "cooperative assignors are not supported with librdkafka 2.0.2; use "
                          "range or roundrobin"));
  const Config config = MustParse(
      "[source.librdkafka]\n\"partition.assignment.strategy\" = \"roundrobin\"\n[models.m]\n");
  EXPECT_EQ(config.source.librdkafka.at("partition.assignment.strategy"), "roundrobin");
}

TEST(SinkHttpOptionsTest, ReadsEveryOption) {
  const Config config = MustParse(R"toml([[sinks]]
type = "alertmanager"
url = "https://am.example.org:9093"
bearer_token_file = "secrets/am.token"
ca_file = "/etc/ssl/am-ca.pem"
initial_backoff = "500ms"
max_backoff = "5m"
headers = { "X-Scope-OrgID" = "ml", "User-Agent" = "driftd (prod)" }
[[sinks]]
type = "webhook"
url = "https://hooks.example.org/"
basic_auth_user = "driftd"
basic_auth_password_file = "/run/secrets/hook"
tls_insecure_skip_verify = true
[models.m]
)toml",
                                  "/etc/driftd/driftd.toml");
  ASSERT_EQ(config.sinks.size(), 2u);
  const SinkConfig& am = config.sinks[0];
  // Relative secret files follow the config file, like baseline profiles.
  EXPECT_EQ(am.bearer_token_file, "/etc/driftd/secrets/am.token");
  EXPECT_EQ(am.ca_file, "/etc/ssl/am-ca.pem");
  EXPECT_EQ(am.initial_backoff, milliseconds(500));
  EXPECT_EQ(am.max_backoff, minutes(5));
  EXPECT_EQ(am.headers, (std::map<std::string, std::string>{{"X-Scope-OrgID", "ml"},
                                                            {"User-Agent", "driftd (prod)"}}));
  const SinkConfig& hook = config.sinks[1];
  EXPECT_EQ(hook.basic_auth_user, "driftd");
  EXPECT_EQ(hook.basic_auth_password_file, "/run/secrets/hook");
  EXPECT_TRUE(hook.tls_insecure_skip_verify);
  EXPECT_EQ(hook.bearer_token_file, "");
}

TEST(SinkHttpOptionsTest, AuthorizationHeaderIsAllowedWithoutOtherAuth) {
  const Config config = MustParse(
      "[[sinks]]\ntype = \"webhook\"\nurl = \"http://x\"\n"
      "headers = { Authorization = \"ApiKey k\" }\n[models.m]\n");
  EXPECT_EQ(config.sinks[0].headers.at("Authorization"), "ApiKey k");
}

TEST(SinkHttpOptionsTest, BackoffMayBeEqual) {
  const Config config = MustParse(
      "[[sinks]]\ntype = \"webhook\"\nurl = \"http://x\"\ninitial_backoff = \"1m\"\n"
      "max_backoff = \"1m\"\n[[sinks]]\ntype = \"log\"\ninitial_backoff = \"2s\"\n[models.m]\n");
  EXPECT_EQ(config.sinks[0].initial_backoff, minutes(1));
  EXPECT_EQ(config.sinks[0].max_backoff, minutes(1));
  // Retries are not HTTP-specific: a log sink takes the backoff keys.
  EXPECT_EQ(config.sinks[1].initial_backoff, seconds(2));
}

TEST(SinkHttpOptionsErrorTest, LogSinkTakesNoHttpOption) {
  EXPECT_THAT(Errors(R"([[sinks]]
type = "log"
bearer_token_file = "t"
basic_auth_user = "u"
basic_auth_password_file = "p"
ca_file = "c"
tls_insecure_skip_verify = false
headers = { A = "b" }
[models.m]
)"),
              ElementsAre("driftd.toml:3:21: sinks[0].bearer_token_file: a log sink takes no "
                          "bearer_token_file",
                          "driftd.toml:4:19: sinks[0].basic_auth_user: a log sink takes no "
                          "basic_auth_user",
                          "driftd.toml:5:28: sinks[0].basic_auth_password_file: a log sink takes "
                          "no basic_auth_password_file",
                          "driftd.toml:6:11: sinks[0].ca_file: a log sink takes no ca_file",
                          "driftd.toml:7:28: sinks[0].tls_insecure_skip_verify: a log sink takes "
                          "no tls_insecure_skip_verify",
                          "driftd.toml:8:11: sinks[0].headers: a log sink takes no headers"));
}

TEST(SinkHttpOptionsErrorTest, AuthenticationConflicts) {
  EXPECT_THAT(Errors(R"([[sinks]]
type = "webhook"
url = "https://x"
basic_auth_user = "u"
[[sinks]]
type = "webhook"
url = "https://x"
basic_auth_password_file = "p"
[[sinks]]
type = "webhook"
url = "https://x"
bearer_token_file = "t"
basic_auth_user = "a:b"
basic_auth_password_file = "p"
[[sinks]]
type = "webhook"
url = "https://x"
bearer_token_file = ""
[models.m]
)"),
              ElementsAre("driftd.toml:4:19: sinks[0].basic_auth_user: needs "
                          "basic_auth_password_file as well",
                          "driftd.toml:8:28: sinks[1].basic_auth_password_file: needs "
                          "basic_auth_user as well",
                          "driftd.toml:12:21: sinks[2].bearer_token_file: cannot be combined with "
                          "basic auth (basic_auth_user, basic_auth_password_file): choose one",
                          "driftd.toml:13:19: sinks[2].basic_auth_user: must not contain \":\" "
                          "(RFC 7617)",
                          "driftd.toml:18:21: sinks[3].bearer_token_file: must not be empty"));
}

TEST(SinkHttpOptionsErrorTest, TlsOptionsNeedHttpsAndDoNotMix) {
  EXPECT_THAT(Errors(R"([[sinks]]
type = "webhook"
url = "http://x"
ca_file = "ca.pem"
tls_insecure_skip_verify = true
[[sinks]]
type = "webhook"
url = "https://x"
ca_file = "ca.pem"
tls_insecure_skip_verify = true
[[sinks]]
type = "webhook"
url = "https://x"
tls_insecure_skip_verify = "yes"
[models.m]
)"),
              ElementsAre("driftd.toml:4:11: sinks[0].ca_file: only used with an https:// url",
                          "driftd.toml:5:28: sinks[0].tls_insecure_skip_verify: only used with an "
                          "https:// url",
                          "driftd.toml:10:28: sinks[1].tls_insecure_skip_verify: cannot be "
                          "combined with ca_file",
                          "driftd.toml:14:28: sinks[2].tls_insecure_skip_verify: expected a "
                          "boolean (true or false), got string"));
}

TEST(SinkHttpOptionsErrorTest, BackoffOrderAndValues) {
  EXPECT_THAT(Errors(R"([[sinks]]
type = "webhook"
url = "http://x"
initial_backoff = "10s"
max_backoff = "5s"
[[sinks]]
type = "webhook"
url = "http://x"
initial_backoff = "2m"
[[sinks]]
type = "webhook"
url = "http://x"
initial_backoff = "0s"
max_backoff = 60
[models.m]
)"),
              ElementsAre("driftd.toml:5:15: sinks[0].max_backoff: must not be less than "
                          "initial_backoff (10s)",
                          "driftd.toml:9:19: sinks[1].initial_backoff: must not be greater than "
                          "max_backoff (1m)",
                          "driftd.toml:13:19: sinks[2].initial_backoff: must be greater than 0s",
                          "driftd.toml:14:15: sinks[2].max_backoff: expected a duration string "
                          "like \"15s\", got integer"));
}

TEST(SinkHttpOptionsErrorTest, HeaderProblems) {
  EXPECT_THAT(Errors(R"([[sinks]]
type = "webhook"
url = "http://x"
bearer_token_file = "t"
[sinks.headers]
"Bad Name" = "v"
Content-Type = "text/plain"
authorization = "Basic x"
X-Team = "ml"
x-team = "ops"
X-Empty = ""
X-Number = 5
X-Split = "a\r\nInjected: yes"
X-Padded = " v"
[[sinks]]
type = "webhook"
url = "http://x"
headers = "X-A: b"
[models.m]
)"),
              ElementsAre("driftd.toml:6:1: sinks[0].headers.\"Bad Name\": header name must be "
                          "an HTTP token (letters, digits and !#$%&'*+-.^_`|~)",
                          "driftd.toml:7:1: sinks[0].headers.Content-Type: header "
                          "\"Content-Type\" is set by driftd's HTTP client",
                          "driftd.toml:8:1: sinks[0].headers.authorization: conflicts with the "
                          "authorization of bearer_token_file or basic auth",
                          "driftd.toml:10:1: sinks[0].headers.x-team: duplicate header \"x-team\" "
                          "(names are case-insensitive)",
                          "driftd.toml:11:11: sinks[0].headers.X-Empty: must not be empty",
                          "driftd.toml:12:12: sinks[0].headers.X-Number: expected a string, got "
                          "integer",
                          "driftd.toml:13:11: sinks[0].headers.X-Split: header value must not "
                          "contain control characters or start or end with whitespace",
                          "driftd.toml:14:12: sinks[0].headers.X-Padded: header value must not "
                          "contain control characters or start or end with whitespace",
                          "driftd.toml:18:11: sinks[1].headers: expected a table, got string"));
}

TEST(SinkHttpOptionsErrorTest, UnknownSinkKeyIsSuggested) {
  EXPECT_THAT(Errors("[[sinks]]\ntype = \"webhook\"\nurl = \"http://x\"\nheader = { A = \"b\" }\n"
                     "[models.m]\n"),
              ElementsAre("driftd.toml:4:1: sinks[0].header: unknown key (did you mean "
                          "headers?)"));
}

}  // namespace
}  // namespace driftd::config
