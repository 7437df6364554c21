#include "alerts/sinks.h"

#include <fstream>
#include <sstream>

#include "alerts/encode.h"

namespace driftd::alerts {
namespace {

constexpr std::size_t kAlertmanagerBatch = 64;
constexpr std::size_t kMaxDetail = 200;

bool ReadTrimmed(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  *out = first == std::string::npos ? "" : s.substr(first, last - first + 1);
  return true;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
    i += 3;
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

class HttpSink : public Sink {
 public:
  HttpSink(const config::SinkConfig& config, HttpClient& client, std::string url, std::size_t batch,
           std::function<std::string(const std::vector<Notification>&)> encode)
      : config_(config), client_(client), url_(std::move(url)), batch_(batch), encode_(std::move(encode)) {}

  const std::string& name() const override { return config_.name; }
  std::size_t max_batch() const override { return batch_; }

  DeliveryResult Deliver(const std::vector<Notification>& batch) override {
    HttpPost post;
    post.url = url_;
    post.timeout = config_.timeout;
    post.body = encode_(batch);
    std::string error;
    if (!AuthHeaders(config_, &post.headers, &error)) return {DeliveryStatus::kRetry, error};
    return ClassifyHttp(client_.Post(post));
  }

 private:
  const config::SinkConfig config_;
  HttpClient& client_;
  const std::string url_;
  const std::size_t batch_;
  const std::function<std::string(const std::vector<Notification>&)> encode_;
};

class LogSink : public Sink {
 public:
  LogSink(const config::SinkConfig& config, std::function<void(const Notification&)> write)
      : name_(config.name.empty() ? "log" : config.name), write_(std::move(write)) {}

  const std::string& name() const override { return name_; }
  std::size_t max_batch() const override { return kAlertmanagerBatch; }

  DeliveryResult Deliver(const std::vector<Notification>& batch) override {
    for (const Notification& n : batch) {
      if (n.kind != NotificationKind::kResend) write_(n);
    }
    return {DeliveryStatus::kDelivered, ""};
  }

 private:
  const std::string name_;
  const std::function<void(const Notification&)> write_;
};

}  // namespace

DeliveryResult ClassifyHttp(const HttpResult& result) {
  if (!result.transport_ok) return {DeliveryStatus::kRetry, result.error};
  std::string detail = "HTTP " + std::to_string(result.status);
  if (!result.body.empty()) detail += ": " + result.body.substr(0, kMaxDetail);
  if (result.status >= 200 && result.status < 300) return {DeliveryStatus::kDelivered, detail};
  const bool retry = result.status >= 500 || result.status == 408 || result.status == 429 ||
                     result.status < 200;
  return {retry ? DeliveryStatus::kRetry : DeliveryStatus::kRejected, detail};
}

bool AuthHeaders(const config::SinkConfig& sink,
                 std::vector<std::pair<std::string, std::string>>* headers, std::string* error) {
  for (const auto& [k, v] : sink.headers) headers->emplace_back(k, v);
  if (!sink.bearer_token_file.empty()) {
    std::string token;
    if (!ReadTrimmed(sink.bearer_token_file, &token, error)) return false;
    headers->emplace_back("Authorization", "Bearer " + token);
  } else if (!sink.basic_auth_user.empty()) {
    std::string password;
    if (!sink.basic_auth_password_file.empty() &&
        !ReadTrimmed(sink.basic_auth_password_file, &password, error)) {
      return false;
    }
    headers->emplace_back("Authorization", "Basic " + Base64(sink.basic_auth_user + ":" + password));
  }
  return true;
}

std::unique_ptr<Sink> MakeAlertmanagerSink(const config::SinkConfig& config, HttpClient& client) {
  std::string url = config.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!url.ends_with("/api/v2/alerts")) url += "/api/v2/alerts";
  return std::make_unique<HttpSink>(config, client, url, kAlertmanagerBatch,
                                    [](const std::vector<Notification>& batch) {
                                      return EncodeAlertmanagerV2(batch);
                                    });
}

std::unique_ptr<Sink> MakeWebhookSink(const config::SinkConfig& config, HttpClient& client,
                                      std::string external_url) {
  WebhookContext context{config.name, std::move(external_url)};
  return std::make_unique<HttpSink>(config, client, config.url, 1,
                                    [context](const std::vector<Notification>& batch) {
                                      return EncodeWebhookV4(batch, context);
                                    });
}

std::unique_ptr<Sink> MakeLogSink(const config::SinkConfig& config,
                                  std::function<void(const Notification&)> write) {
  return std::make_unique<LogSink>(config, std::move(write));
}

}  // namespace driftd::alerts
