// The daemon's HTTP endpoint: Boost.Beast on the daemon's io_context.
// Routes are exact paths answered for GET (and HEAD); unknown paths get 404,
// other methods 405 (with "Allow: GET, HEAD"), requests whose header plus
// body exceed http.max_request_bytes 413, malformed requests 400, a throwing
// handler 500; every response carries Content-Type, Content-Length and
// "Server: driftd". A request must arrive within http.request_timeout (else
// the connection is closed) and keep-alive connections idle longer than
// http.idle_timeout are closed, so slow clients never block others.
// Connections beyond http.max_connections get 503 and are closed.
#ifndef DRIFTD_DAEMON_HTTP_SERVER_H_
#define DRIFTD_DAEMON_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"

namespace boost::asio {
class io_context;
}

namespace driftd {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", ...
  std::string path;    // target without the query string
  std::string query;   // after '?', undecoded; empty when absent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Runs on the io_context's thread; must not block.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Thread-safety: every method must be called on the io_context's thread, or
// before it runs.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const config::HttpConfig& config);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers the handler of GET/HEAD `path`. REQUIRES: before Start().
  void Route(std::string path, HttpHandler handler);

  // Binds http.listen ("host:port", "[v6]:port"; port 0 picks a free port;
  // a host name is resolved synchronously) and starts accepting. Returns an
  // error message on failure.
  [[nodiscard]] std::optional<std::string> Start();
  // The bound port (useful with "host:0"). REQUIRES: Start() succeeded.
  std::uint16_t port() const;
  // Stops accepting and closes every connection.
  void Stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace driftd

#endif  // DRIFTD_DAEMON_HTTP_SERVER_H_
