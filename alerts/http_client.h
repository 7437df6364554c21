// The HTTP client the webhook and Alertmanager sinks post through. The real
// one (Boost.Beast over TCP or TLS) lives in daemon/; tests pass a fake.
#ifndef DRIFTD_ALERTS_HTTP_CLIENT_H_
#define DRIFTD_ALERTS_HTTP_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "detectors/time.h"

namespace driftd::alerts {

struct HttpPost {
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, Content-Type, Content-Length
  std::string content_type = "application/json";
  std::string body;
  Duration timeout{};  // whole exchange: connect, TLS, request, response
};

struct HttpResult {
  bool transport_ok = false;  // a response arrived; false: `error` says why not
  int status = 0;             // HTTP status when transport_ok
  std::string body;           // response body (truncated by the client as it sees fit)
  std::string error;
};

// Thread-safety: Post is called from one delivery thread at a time per
// instance; Cancel may be called from any thread.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends one POST and waits for the response or the timeout.
  virtual HttpResult Post(const HttpPost& request) = 0;
  // Makes an in-flight and every later Post fail fast (shutdown).
  virtual void Cancel() {}
};

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_HTTP_CLIENT_H_
