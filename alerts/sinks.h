// Where notifications go: Alertmanager (API v2), a generic webhook (the
// Alertmanager webhook format version 4) and the log. Each delivers one
// batch and says whether it was accepted, may be retried, or never will be.
#ifndef DRIFTD_ALERTS_SINKS_H_
#define DRIFTD_ALERTS_SINKS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "alerts/alert.h"
#include "alerts/http_client.h"
#include "config/config.h"

namespace driftd::alerts {

enum class DeliveryStatus {
  kDelivered,  // acknowledged (2xx, or written)
  kRetry,      // transport error, timeout, 5xx, 408, 429: try again later
  kRejected,   // any other 4xx: the same request will never succeed
};

struct DeliveryResult {
  DeliveryStatus status = DeliveryStatus::kDelivered;
  std::string detail;  // e.g. "HTTP 503: ..." or the transport error
};

// Thread-safety: Deliver is called from one thread at a time.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual const std::string& name() const = 0;
  // Most notifications one Deliver call takes.
  virtual std::size_t max_batch() const = 0;
  // REQUIRES: !batch.empty(), batch.size() <= max_batch().
  virtual DeliveryResult Deliver(const std::vector<Notification>& batch) = 0;
};

// Classifies an HTTP exchange as above.
DeliveryResult ClassifyHttp(const HttpResult& result);

// The request headers a sink config asks for: its `headers`, then
// Authorization from bearer_token_file or basic auth (user and
// basic_auth_password_file). The files are read on every call, so rotated
// credentials apply without a reload; surrounding whitespace is trimmed.
// Returns false with *error set when a file cannot be read.
[[nodiscard]] bool AuthHeaders(const config::SinkConfig& sink,
                               std::vector<std::pair<std::string, std::string>>* headers,
                               std::string* error);

// POSTs batches of up to 64 to <url>/api/v2/alerts (the url may also name
// that path itself). `client` must outlive the sink.
std::unique_ptr<Sink> MakeAlertmanagerSink(const config::SinkConfig& config, HttpClient& client);

// POSTs one notification per request (one group per page) to url, as an
// Alertmanager webhook version 4 body; receiver = the sink's name.
std::unique_ptr<Sink> MakeWebhookSink(const config::SinkConfig& config, HttpClient& client,
                                      std::string external_url);

// Hands each transition — firing and resolved — to `write`, which writes
// one logfmt line (the daemon: through its Logger; tools: EncodeLogLine).
// Re-sends are acknowledged without a line.
std::unique_ptr<Sink> MakeLogSink(const config::SinkConfig& config,
                                  std::function<void(const Notification&)> write);

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_SINKS_H_
