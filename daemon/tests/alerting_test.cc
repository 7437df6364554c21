#include "daemon/alerting.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/alerting_http_client.h"
#include "fake_clock.h"

namespace driftd {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

class CountingProbe : public alerts::AlertsProbe {
 public:
  void SetFiring(const std::string& alertname, const std::string& model, int n) override {
    std::lock_guard lock(mu);
    firing[alertname + "/" + model] = n;
  }
  void CountNotification(const std::string& sink, const std::string& result, std::size_t n) override {
    std::lock_guard lock(mu);
    notifications[sink + "/" + result] += n;
  }
  void SetOutboxEntries(std::size_t n) override { outbox = n; }
  void CountDropped(const std::string& reason, std::size_t n) override {
    std::lock_guard lock(mu);
    dropped[reason] += n;
  }
  std::mutex mu;
  std::map<std::string, int> firing;
  std::map<std::string, std::size_t> notifications;
  std::map<std::string, std::size_t> dropped;
  std::atomic<std::size_t> outbox{0};
};

class AlertingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "driftd-alerting-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    log_path_ = root_ + "/log";
    log_file_ = std::fopen(log_path_.c_str(), "w");
    log_ = std::make_unique<Logger>(clock_, log_file_, config::LogLevel::kInfo);
    config_ = std::make_shared<config::Config>();
    config_->daemon.state_dir = root_ + "/state";
    config::ModelConfig m;
    m.name = "fraud";
    m.min_samples = 10;
    config_->models.push_back(m);
    config::SinkConfig log_sink;
    log_sink.type = config::SinkType::kLog;
    log_sink.name = "log";
    config_->sinks.push_back(log_sink);
  }
  void TearDown() override {
    log_.reset();
    std::fclose(log_file_);
    fs::remove_all(root_);
  }

  std::string LogText() {
    std::fflush(log_file_);
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static ModelEvaluation Drift(double ks) {
    Finding f;
    f.model = "fraud";
    f.check = Check::kFeatureDrift;
    f.subject = "amount";
    f.test = "ks";
    f.statistic = ks;
    f.threshold = 0.2;
    f.failing = ks >= 0.2;
    f.samples = 100;
    return ModelEvaluation{"fraud", {}, {f}};
  }

  // Delivery runs on threads: wait (bounded) until the outbox drains.
  // Waits (real time: a delivery thread is at work) until the probe counted
  // a notification result for `key`, e.g. "am/failed".
  bool WaitCounted(const std::string& key) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(probe_.mu);
        if (probe_.notifications[key] >= 1u) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  static bool WaitDrained(const Alerting& a) {
    for (int i = 0; i < 500 && a.OutboxSize() > 0; ++i) std::this_thread::sleep_for(10ms);
    return a.OutboxSize() == 0;
  }

  std::string root_;
  std::string log_path_;
  std::FILE* log_file_ = nullptr;
  testing::FakeClock clock_;
  std::unique_ptr<Logger> log_;
  std::shared_ptr<config::Config> config_;
  CountingProbe probe_;
  boost::asio::io_context io_;
};

TEST_F(AlertingTest, FiresAndResolvesThroughTheLogSink) {
  Alerting alerting(io_, config_, clock_, *log_, probe_);
  ASSERT_FALSE(alerting.Start());
  alerting.OnEvaluation(Drift(0.5), clock_.Now());
  EXPECT_EQ(probe_.firing["FeatureDrift/fraud"], 1);
  const json::value active = json::parse(alerting.ActiveAlertsJson());
  ASSERT_EQ(active.at("alerts").as_array().size(), 1u);
  EXPECT_EQ(active.at("alerts").at(0).at("state"), "firing");
  EXPECT_EQ(active.at("alerts").at(0).at("labels").at("feature"), "amount");
  ASSERT_TRUE(WaitDrained(alerting));

  clock_.Advance(15s);
  alerting.OnEvaluation(Drift(0.01), clock_.Now());
  EXPECT_EQ(probe_.firing["FeatureDrift/fraud"], 0);
  ASSERT_TRUE(WaitDrained(alerting));
  alerting.Shutdown();
  const std::string text = LogText();
  EXPECT_NE(text.find("msg=alert alert=firing alertname=FeatureDrift model=fraud feature=amount"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("msg=alert alert=resolved alertname=FeatureDrift"), std::string::npos) << text;
  EXPECT_NE(text.find("msg=\"alert state changed\" alertname=FeatureDrift model=fraud feature=amount "
                      "from=firing to=resolved"),
            std::string::npos);
  std::lock_guard lock(probe_.mu);
  EXPECT_EQ(probe_.notifications["log/delivered"], 2u);
  EXPECT_EQ(json::parse(alerting.ActiveAlertsJson()).at("alerts").as_array().size(), 0u);
}

TEST_F(AlertingTest, UndeliverableSinkKeepsEntriesForTheNextStart) {
  config::SinkConfig am;
  am.type = config::SinkType::kAlertmanager;
  am.name = "am";
  am.url = "http://127.0.0.1:1";  // nothing listens on port 1
  am.timeout = 1s;
  config_->sinks = {am};
  {
    Alerting alerting(io_, config_, clock_, *log_, probe_);
    ASSERT_FALSE(alerting.Start());
    alerting.OnEvaluation(Drift(0.5), clock_.Now());
    EXPECT_EQ(alerting.OutboxSize(), 1u);
    // Regression: shutting down before the first attempt left nothing to
    // count, and the test failed under the slower sanitizer build.
    ASSERT_TRUE(WaitCounted("am/failed"));
    EXPECT_EQ(alerting.OutboxSize(), 1u);
    alerting.Shutdown();
  }
  // Restart with the same sink name now writing to the log: delivered.
  config::SinkConfig log_sink;
  log_sink.type = config::SinkType::kLog;
  log_sink.name = "am";
  config_->sinks = {log_sink};
  Alerting again(io_, config_, clock_, *log_, probe_);
  ASSERT_FALSE(again.Start());
  ASSERT_TRUE(WaitDrained(again));
  again.Shutdown();
  EXPECT_NE(LogText().find("msg=alert alert=firing alertname=FeatureDrift"), std::string::npos);
  std::lock_guard lock(probe_.mu);
  EXPECT_GE(probe_.notifications["am/failed"], 1u);
  EXPECT_EQ(probe_.notifications["am/delivered"], 1u);
}

TEST_F(AlertingTest, EntriesOfRemovedSinksAreCountedAsDropped) {
  config::SinkConfig log2;
  log2.type = config::SinkType::kLog;
  log2.name = "old";
  config_->sinks.push_back(log2);
  {
    Alerting alerting(io_, config_, clock_, *log_, probe_);
    ASSERT_FALSE(alerting.Start());
    alerting.Shutdown();  // no delivery threads left to take the entries
    alerting.OnEvaluation(Drift(0.5), clock_.Now());
    EXPECT_EQ(alerting.OutboxSize(), 2u);
  }
  config_->sinks.pop_back();
  Alerting again(io_, config_, clock_, *log_, probe_);
  ASSERT_FALSE(again.Start());
  ASSERT_TRUE(WaitDrained(again));
  again.Shutdown();
  std::lock_guard lock(probe_.mu);
  EXPECT_EQ(probe_.dropped["unknown_sink"], 1u);
  EXPECT_EQ(probe_.notifications["old/dropped"], 1u);
  EXPECT_NE(LogText().find("reason=unknown_sink sink=old"), std::string::npos);
}

TEST_F(AlertingTest, OutboxBoundDropsAreCountedAndLogged) {
  config_->alerts.outbox_max_entries = 1;
  Alerting alerting(io_, config_, clock_, *log_, probe_);
  ASSERT_FALSE(alerting.Start());
  alerting.Shutdown();  // keep entries queued
  ModelEvaluation two = Drift(0.5);
  two.findings.push_back(two.findings[0]);
  two.findings[1].subject = "age";
  alerting.OnEvaluation(two, clock_.Now());
  EXPECT_EQ(alerting.OutboxSize(), 1u);
  std::lock_guard lock(probe_.mu);
  EXPECT_EQ(probe_.dropped["bound"], 1u);
  EXPECT_NE(LogText().find("msg=\"alert notification dropped from the outbox\" reason=bound"),
            std::string::npos);
}

TEST(ParseHttpUrlTest, Forms) {
  auto u = ParseHttpUrl("https://am.example:9443/api/v2/alerts?x=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "am.example");
  EXPECT_EQ(u->port, "9443");
  EXPECT_EQ(u->target, "/api/v2/alerts?x=1");
  u = ParseHttpUrl("http://[::1]/hook");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "80");
  u = ParseHttpUrl("http://host");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(ParseHttpUrl("ftp://host/"));
  EXPECT_FALSE(ParseHttpUrl("http://user:pw@host/"));
  EXPECT_FALSE(ParseHttpUrl("http://host:http/"));
  EXPECT_FALSE(ParseHttpUrl("http:///x"));
}

TEST(BeastHttpClientTest, TimesOutOnAServerThatNeverAnswers) {
  // A listening socket nobody accepts from: the connection completes in the
  // kernel's backlog, the response never comes.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  BeastHttpClient client({});
  alerts::HttpPost post;
  post.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  post.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  const alerts::HttpResult r = client.Post(post);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.error, "timed out");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ::close(fd);
}

TEST(BeastHttpClientTest, ConnectionRefusedIsATransportError) {
  BeastHttpClient client({});
  alerts::HttpPost post;
  post.url = "http://127.0.0.1:1/";
  post.timeout = 2s;
  const alerts::HttpResult r = client.Post(post);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_FALSE(r.error.empty());
  EXPECT_NE(r.error, "timed out");
}

TEST(BeastHttpClientTest, MissingCaFileFailsHttpsOnly) {
  BeastHttpClient client({"/nonexistent/ca.pem", false});
  alerts::HttpPost post;
  post.url = "https://127.0.0.1:1/";
  post.timeout = 1s;
  const alerts::HttpResult r = client.Post(post);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_NE(r.error.find("CA certificates"), std::string::npos);
}

}  // namespace
}  // namespace driftd
