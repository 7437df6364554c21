#include "daemon/http_server.h"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/http_session.h"

namespace driftd {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// accept() failing at once (EMFILE, ENFILE) would otherwise spin the loop.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// How long a rejected connection may take to read its 503.
constexpr auto kRejectionLinger = std::chrono::milliseconds(500);

// Splits "host:port" or "[v6]:port". Returns an error message on failure.
std::optional<std::string> SplitListen(std::string_view listen, std::string* host,
                                       std::uint16_t* port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    return "expected host:port, got \"" + std::string(listen) + "\"";
  }
  std::string_view h = listen.substr(0, colon);
  const std::string_view p = listen.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return "IPv6 addresses need brackets, as in [::1]:7461, got \"" + std::string(listen) + "\"";
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || value > 65535) {
    return "invalid port in \"" + std::string(listen) + "\"";
  }
  *host = std::string(h);
  *port = static_cast<std::uint16_t>(value);
  return std::nullopt;
}

// A connection over the max_connections cap: gets a canned 503 and is closed.
// Cheaper than a session: the request is never parsed. After the response the
// input is drained briefly, since closing with unread input sends RST, which
// can destroy the 503 before the client reads it.
class Rejection : public std::enable_shared_from_this<Rejection> {
 public:
  explicit Rejection(tcp::socket socket)
      : socket_(std::move(socket)), timer_(socket_.get_executor()) {}

  void Start() {
    static constexpr std::string_view kBody = "too many connections\n";
    static const std::string kResponse =
        "HTTP/1.1 503 Service Unavailable\r\nServer: driftd\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " +
        std::to_string(kBody.size()) + "\r\nConnection: close\r\n\r\n" + std::string(kBody);
    timer_.expires_after(kRejectionLinger);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->Close();
    });
    asio::async_write(socket_, asio::buffer(kResponse),
                      [self = shared_from_this()](const boost::system::error_code& ec,
                                                  std::size_t) {
                        if (ec) {
                          self->Close();
                          return;
                        }
                        boost::system::error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        self->Drain();
                      });
  }

 private:
  void Drain() {
    socket_.async_read_some(asio::buffer(scratch_), [self = shared_from_this()](
                                                        const boost::system::error_code& ec,
                                                        std::size_t) {
      if (ec) {
        self->Close();
      } else {
        self->Drain();
      }
    });
  }

  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::array<char, 512> scratch_;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, const config::HttpConfig& config)
      : io(io),
        acceptor(io),
        retry_timer(io),
        state(std::make_shared<http_internal::ServerState>()) {
    state->config = config;
  }

  void Accept() {
    acceptor.async_accept([self = shared_from_this()](const boost::system::error_code& ec,
                                                      tcp::socket socket) {
      self->OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(const boost::system::error_code& ec, tcp::socket socket) {
    if (state->stopped || !acceptor.is_open()) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      retry_timer.expires_after(kAcceptRetryDelay);
      retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && !self->state->stopped) self->Accept();
      });
      return;
    }
    if (state->connections.size() >= state->config.max_connections) {
      std::make_shared<Rejection>(std::move(socket))->Start();
    } else {
      http_internal::StartSession(std::move(socket), state);
    }
    Accept();
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::shared_ptr<http_internal::ServerState> state;
  std::uint16_t port = 0;
  bool started = false;
};

HttpServer::HttpServer(asio::io_context& io, const config::HttpConfig& config)
    : impl_(std::make_shared<Impl>(io, config)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string path, HttpHandler handler) {
  impl_->state->routes[std::move(path)] = std::move(handler);
}

std::optional<std::string> HttpServer::Start() {
  if (impl_->started) return "HTTP server already started";
  std::string host;
  std::uint16_t port = 0;
  if (auto error = SplitListen(impl_->state->config.listen, &host, &port)) {
    return "http.listen: " + *error;
  }

  boost::system::error_code ec;
  tcp::endpoint endpoint;
  if (const auto address = asio::ip::make_address(host, ec); !ec) {
    endpoint = tcp::endpoint(address, port);
  } else {
    // A name such as "localhost": resolved once, synchronously, at start-up.
    tcp::resolver resolver(impl_->io);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
      return "http.listen: cannot resolve \"" + host + "\": " +
             (ec ? ec.message() : std::string("no address"));
    }
    endpoint = results.begin()->endpoint();
  }

  auto& acceptor = impl_->acceptor;
  const std::string where = " " + impl_->state->config.listen + ": ";
  if (acceptor.open(endpoint.protocol(), ec); ec) return "http: open" + where + ec.message();
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return "http: setsockopt" + where + ec.message();
  }
  if (acceptor.bind(endpoint, ec); ec) {
    acceptor.close(ec);
    return "http: bind" + where + ec.message();
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    acceptor.close(ec);
    return "http: listen" + where + ec.message();
  }
  impl_->port = acceptor.local_endpoint(ec).port();
  impl_->started = true;
  impl_->Accept();
  return std::nullopt;
}

std::uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  auto& state = *impl_->state;
  state.stopped = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->retry_timer.cancel();
  // Close() only cancels; sessions unregister later, from their handlers.
  const std::vector<http_internal::Connection*> open(state.connections.begin(),
                                                     state.connections.end());
  for (auto* connection : open) connection->Close();
}

}  // namespace driftd
