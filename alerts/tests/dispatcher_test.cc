#include "alerts/dispatcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "alerts/encode.h"
#include "alerts/tests/test_util.h"

namespace driftd::alerts {
namespace {

namespace fs = std::filesystem;
using namespace testing;

// Answers each POST from a script; records the requests.
class FakeHttpClient : public HttpClient {
 public:
  HttpResult Post(const HttpPost& request) override {
    requests.push_back(request);
    if (script.empty()) return {true, 200, "", ""};
    HttpResult r = script.front();
    script.pop_front();
    return r;
  }
  std::deque<HttpResult> script;
  std::vector<HttpPost> requests;
};

struct Attempt {
  std::string what;
  std::size_t n;
  Duration retry_in{};
};

class RecordingObserver : public DispatchObserver {
 public:
  void Delivered(const std::string&, std::size_t n) override { log.push_back({"delivered", n}); }
  void Failed(const std::string&, std::size_t n, int, const std::string&, Duration retry_in) override {
    log.push_back({"failed", n, retry_in});
  }
  void Rejected(const std::string&, std::size_t n, const std::string&) override {
    log.push_back({"rejected", n});
  }
  std::vector<Attempt> log;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "driftd-dispatch-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    OutboxRecovery rec;
    std::string error;
    outbox_ = Outbox::Open(root_ + "/outbox", 100, &rec, &error);
    ASSERT_TRUE(outbox_) << error;
    sink_config_.name = "am";
    sink_config_.type = config::SinkType::kAlertmanager;
    sink_config_.url = "http://127.0.0.1:9093/";
    sink_config_.timeout = 3s;
    sink_ = MakeAlertmanagerSink(sink_config_, http_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void Queue(const std::string& feature) {
    Notification n;
    n.labels = {{"alertname", "FeatureDrift"}, {"model", "fraud"}, {"feature", feature}};
    n.starts_at = kT0;
    n.ends_at = kT0 + 4min;
    n.fingerprint = Fingerprint(n.labels);
    (void)outbox_->Append("am", n);
  }

  std::string root_;
  std::unique_ptr<Outbox> outbox_;
  config::SinkConfig sink_config_;
  FakeHttpClient http_;
  std::unique_ptr<Sink> sink_;
  RecordingObserver observer_;
};

TEST(BackoffTest, ExponentialCappedFullJitter) {
  const BackoffPolicy p{1s, 60s};
  EXPECT_EQ(BackoffDelay(p, 1, 0.999999), Duration(999999000));
  EXPECT_EQ(BackoffDelay(p, 3, 0.5), 2s);    // half of 4 s
  EXPECT_EQ(BackoffDelay(p, 7, 1.0), 60s);   // 64 s capped at 60 s
  EXPECT_EQ(BackoffDelay(p, 500, 1.0), 60s); // no overflow
  EXPECT_EQ(BackoffDelay(p, 2, 0.0), 10ms);  // floor
}

TEST_F(DispatcherTest, DeliversABatchAndEmptiesTheOutbox) {
  Queue("a");
  Queue("b");
  Dispatcher d(*outbox_, *sink_, {1s, 60s}, observer_, [] { return 0.5; });
  EXPECT_TRUE(d.Step(kT0));
  EXPECT_EQ(outbox_->size(), 0u);
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].url, "http://127.0.0.1:9093/api/v2/alerts");
  EXPECT_EQ(http_.requests[0].timeout, 3s);
  EXPECT_NE(http_.requests[0].body.find("\"feature\":\"b\""), std::string::npos);
  EXPECT_FALSE(d.Step(kT0));  // nothing left
  ASSERT_EQ(observer_.log.size(), 1u);
  EXPECT_EQ(observer_.log[0].what, "delivered");
  EXPECT_EQ(observer_.log[0].n, 2u);
}

TEST_F(DispatcherTest, RetriesWithGrowingBackoffUntilDelivered) {
  Queue("a");
  http_.script = {{false, 0, "", "connection refused"}, {true, 503, "down", ""}, {true, 429, "", ""},
                  {true, 200, "", ""}};
  Dispatcher d(*outbox_, *sink_, {1s, 60s}, observer_, [] { return 1.0; });
  Timestamp now = kT0;
  EXPECT_TRUE(d.Step(now));
  EXPECT_EQ(d.retry_at(), now + 1s);
  EXPECT_FALSE(d.Step(now + 999ms));  // still backing off: no request
  EXPECT_EQ(http_.requests.size(), 1u);
  now += 1s;
  EXPECT_TRUE(d.Step(now));
  EXPECT_EQ(d.retry_at(), now + 2s);
  now += 2s;
  EXPECT_TRUE(d.Step(now));
  EXPECT_EQ(d.retry_at(), now + 4s);
  now += 4s;
  EXPECT_TRUE(d.Step(now));
  EXPECT_EQ(outbox_->size(), 0u);
  EXPECT_EQ(d.failures(), 0);
  EXPECT_FALSE(d.retry_at());
  ASSERT_EQ(observer_.log.size(), 4u);
  EXPECT_EQ(observer_.log[2].what, "failed");
  EXPECT_EQ(observer_.log[2].retry_in, 4s);
  EXPECT_EQ(observer_.log[3].what, "delivered");
}

TEST_F(DispatcherTest, JitterSpreadsTheDelay) {
  Queue("a");
  http_.script = {{false, 0, "", "x"}, {false, 0, "", "x"}};
  double draw = 0.25;
  Dispatcher d(*outbox_, *sink_, {4s, 60s}, observer_, [&draw] { return draw; });
  d.Step(kT0);
  EXPECT_EQ(*d.retry_at(), kT0 + 1s);  // 0.25 x 4 s
  draw = 0.75;
  d.Step(kT0 + 1s);
  EXPECT_EQ(*d.retry_at(), kT0 + 1s + 6s);  // 0.75 x 8 s
}

TEST_F(DispatcherTest, ClientErrorIsRejectedNotRetried) {
  Queue("a");
  Queue("b");
  http_.script = {{true, 400, "bad alert", ""}};
  Dispatcher d(*outbox_, *sink_, {1s, 60s}, observer_, [] { return 0.5; });
  EXPECT_TRUE(d.Step(kT0));
  EXPECT_EQ(outbox_->size(), 0u);
  ASSERT_EQ(observer_.log.size(), 1u);
  EXPECT_EQ(observer_.log[0].what, "rejected");
  EXPECT_FALSE(d.retry_at());
}

TEST_F(DispatcherTest, AuthHeadersFromFiles) {
  const std::string token = root_ + "/token";
  std::ofstream(token) << "  s3cret\n";
  sink_config_.bearer_token_file = token;
  sink_config_.headers = {{"X-Org", "ml"}};
  auto sink = MakeAlertmanagerSink(sink_config_, http_);
  Queue("a");
  Dispatcher d(*outbox_, *sink, {1s, 60s}, observer_, [] { return 0.5; });
  d.Step(kT0);
  ASSERT_EQ(http_.requests.size(), 1u);
  const auto& h = http_.requests[0].headers;
  EXPECT_NE(std::find(h.begin(), h.end(), std::pair<std::string, std::string>("Authorization", "Bearer s3cret")),
            h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), std::pair<std::string, std::string>("X-Org", "ml")), h.end());

  // Basic auth; RFC 7617's example: Aladdin / open sesame.
  config::SinkConfig basic = sink_config_;
  basic.bearer_token_file.clear();
  basic.basic_auth_user = "Aladdin";
  basic.basic_auth_password_file = root_ + "/pw";
  std::ofstream(basic.basic_auth_password_file) << "open sesame\n";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error;
  ASSERT_TRUE(AuthHeaders(basic, &headers, &error)) << error;
  EXPECT_EQ(headers.back().second, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

  basic.basic_auth_password_file = root_ + "/missing";
  EXPECT_FALSE(AuthHeaders(basic, &headers, &error));
}

TEST_F(DispatcherTest, MissingTokenFileRetries) {
  sink_config_.bearer_token_file = root_ + "/missing";
  auto sink = MakeAlertmanagerSink(sink_config_, http_);
  Queue("a");
  Dispatcher d(*outbox_, *sink, {1s, 60s}, observer_, [] { return 0.5; });
  d.Step(kT0);
  EXPECT_TRUE(http_.requests.empty());
  EXPECT_EQ(outbox_->size(), 1u);
  EXPECT_EQ(observer_.log.at(0).what, "failed");
}

TEST_F(DispatcherTest, WebhookSendsOneAlertPerRequest) {
  config::SinkConfig hook;
  hook.name = "hook";
  hook.type = config::SinkType::kWebhook;
  hook.url = "https://hooks.example/driftd";
  auto sink = MakeWebhookSink(hook, http_, "http://127.0.0.1:7461");
  for (const char* f : {"a", "b"}) {
    Notification n;
    n.labels = {{"alertname", "FeatureDrift"}, {"model", "fraud"}, {"feature", f}};
    n.fingerprint = Fingerprint(n.labels);
    (void)outbox_->Append("hook", n);
  }
  Dispatcher d(*outbox_, *sink, {1s, 60s}, observer_, [] { return 0.5; });
  EXPECT_TRUE(d.Step(kT0));
  EXPECT_TRUE(d.Step(kT0));
  EXPECT_FALSE(d.Step(kT0));
  ASSERT_EQ(http_.requests.size(), 2u);
  EXPECT_EQ(http_.requests[0].url, "https://hooks.example/driftd");
  EXPECT_NE(http_.requests[0].body.find("\"version\":\"4\""), std::string::npos);
}

TEST(LogSinkTest, WritesTransitionsOnly) {
  std::vector<std::string> lines;
  auto sink = MakeLogSink({}, [&lines](const Notification& n) { lines.push_back(EncodeLogLine(n)); });
  Notification n;
  n.labels = {{"alertname", "DataSilent"}, {"model", "fraud"}};
  n.fingerprint = Fingerprint(n.labels);
  std::vector<Notification> batch(3, n);
  batch[1].kind = NotificationKind::kResend;
  batch[2].kind = NotificationKind::kResolved;
  EXPECT_EQ(sink->Deliver(batch).status, DeliveryStatus::kDelivered);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].starts_with("alert=firing alertname=DataSilent"));
  EXPECT_TRUE(lines[1].starts_with("alert=resolved alertname=DataSilent"));
}

TEST(ClassifyTest, StatusClasses) {
  EXPECT_EQ(ClassifyHttp({true, 200, "", ""}).status, DeliveryStatus::kDelivered);
  EXPECT_EQ(ClassifyHttp({true, 204, "", ""}).status, DeliveryStatus::kDelivered);
  EXPECT_EQ(ClassifyHttp({true, 500, "", ""}).status, DeliveryStatus::kRetry);
  EXPECT_EQ(ClassifyHttp({true, 408, "", ""}).status, DeliveryStatus::kRetry);
  EXPECT_EQ(ClassifyHttp({true, 404, "", ""}).status, DeliveryStatus::kRejected);
  EXPECT_EQ(ClassifyHttp({false, 0, "", "timeout"}).status, DeliveryStatus::kRetry);
}

}  // namespace
}  // namespace driftd::alerts
