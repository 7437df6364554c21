// The HTTP(S) client of the alert sinks: Boost.Beast over TCP or OpenSSL.
// HTTPS verifies the server's certificate chain against the system CA store
// (or a configured PEM bundle) and its host name, and sends SNI.
#ifndef DRIFTD_DAEMON_ALERTING_HTTP_CLIENT_H_
#define DRIFTD_DAEMON_ALERTING_HTTP_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "alerts/http_client.h"

namespace driftd {

struct TlsOptions {
  std::string ca_file;               // PEM bundle; empty: the system store
  bool insecure_skip_verify = false;  // accept any certificate (never in production)
};

// A parsed http:// or https:// URL.
struct ParsedUrl {
  bool tls = false;
  std::string host;  // without brackets for IPv6 literals
  std::string port;  // defaulted from the scheme
  std::string target = "/";  // path and query
};
// nullopt for anything but http(s)://host[:port][/path].
std::optional<ParsedUrl> ParseHttpUrl(const std::string& url);

// Thread-safety: as alerts::HttpClient (one Post at a time; Cancel from any thread).
class BeastHttpClient : public alerts::HttpClient {
 public:
  explicit BeastHttpClient(TlsOptions tls);
  ~BeastHttpClient() override;
  BeastHttpClient(const BeastHttpClient&) = delete;
  BeastHttpClient& operator=(const BeastHttpClient&) = delete;

  // One connection per request: alerts are rare, and a fresh connection
  // never trips over a keep-alive the server already closed.
  alerts::HttpResult Post(const alerts::HttpPost& request) override;
  void Cancel() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_ALERTING_HTTP_CLIENT_H_
