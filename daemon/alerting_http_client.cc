#include "daemon/alerting_http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>

namespace driftd {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxResponseBody = 64 * 1024;

template <typename Stream>
asio::awaitable<void> Exchange(Stream& stream, http::request<http::string_body>& request,
                               alerts::HttpResult* result) {
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  result->transport_ok = true;
  result->status = static_cast<int>(parser.get().result_int());
  result->body = parser.get().body();
}

// The whole exchange on the caller's private io_context: resolve, connect,
// TLS handshake with SNI and host name verification, request, response.
asio::awaitable<void> Run(ParsedUrl url, ssl::context* ssl_ctx, bool verify,
                          http::request<http::string_body>* request, alerts::HttpResult* result) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  if (!url.tls) {
    beast::tcp_stream stream(executor);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_await Exchange(stream, *request, result);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(executor, *ssl_ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw boost::system::system_error(
        beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  }
  if (verify) stream.set_verify_callback(ssl::host_name_verification(url.host));
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  co_await Exchange(stream, *request, result);
}

}  // namespace

std::optional<ParsedUrl> ParseHttpUrl(const std::string& url) {
  ParsedUrl out;
  std::string rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  const std::size_t slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    out.target = rest.substr(slash);
    if (out.target.front() == '?') out.target.insert(0, "/");
  }
  if (authority.find('@') != std::string::npos) return std::nullopt;  // credentials go in files
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  if (port.empty()) port = out.tls ? "443" : "80";
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  out.port = port;
  return out;
}

struct BeastHttpClient::Impl {
  explicit Impl(TlsOptions options) : tls(std::move(options)), ssl_ctx(ssl::context::tls_client) {}
  TlsOptions tls;
  ssl::context ssl_ctx;
  std::string tls_error;  // set when the context could not be set up
  std::mutex mu;
  asio::io_context* current = nullptr;  // guarded by mu
  bool cancelled = false;               // guarded by mu
};

BeastHttpClient::BeastHttpClient(TlsOptions tls) : impl_(std::make_unique<Impl>(std::move(tls))) {
  boost::system::error_code ec;
  impl_->ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                 ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                 ssl::context::no_tlsv1_1,
                             ec);
  if (impl_->tls.ca_file.empty()) {
    impl_->ssl_ctx.set_default_verify_paths(ec);
  } else {
    impl_->ssl_ctx.load_verify_file(impl_->tls.ca_file, ec);
  }
  if (ec) impl_->tls_error = "cannot load CA certificates: " + ec.message();
  impl_->ssl_ctx.set_verify_mode(impl_->tls.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer,
                                 ec);
}

BeastHttpClient::~BeastHttpClient() = default;

void BeastHttpClient::Cancel() {
  std::lock_guard lock(impl_->mu);
  impl_->cancelled = true;
  if (impl_->current != nullptr) impl_->current->stop();
}

alerts::HttpResult BeastHttpClient::Post(const alerts::HttpPost& post) {
  alerts::HttpResult result;
  const auto url = ParseHttpUrl(post.url);
  if (!url) {
    result.error = "unsupported URL: " + post.url;
    return result;
  }
  if (url->tls && !impl_->tls_error.empty()) {
    result.error = impl_->tls_error;
    return result;
  }

  http::request<http::string_body> request{http::verb::post, url->target, 11};
  const bool default_port = url->port == (url->tls ? "443" : "80");
  const std::string host = url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
  request.set(http::field::host, default_port ? host : host + ":" + url->port);
  request.set(http::field::user_agent, "driftd");
  request.set(http::field::content_type, post.content_type);
  request.set(http::field::connection, "close");
  for (const auto& [k, v] : post.headers) request.set(k, v);
  request.body() = post.body;
  request.prepare_payload();

  // Everything the coroutine points to is declared before the io_context,
  // whose destruction destroys an unfinished coroutine frame.
  std::string error;
  bool done = false;
  asio::io_context io;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->cancelled) {
      result.error = "cancelled";
      return result;
    }
    impl_->current = &io;
  }
  auto finish = [&error, &done](std::exception_ptr e) {
    done = true;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& se) {
      error = se.code().message();
    } catch (const std::exception& ex) {
      error = ex.what();
    }
  };
  asio::co_spawn(io, Run(*url, &impl_->ssl_ctx, !impl_->tls.insecure_skip_verify, &request, &result),
                 finish);
  // One deadline for the whole exchange, resolve included.
  io.run_for(post.timeout > Duration::zero() ? post.timeout : std::chrono::seconds(10));
  {
    std::lock_guard lock(impl_->mu);
    impl_->current = nullptr;
  }
  if (!done) {
    result.transport_ok = false;
    result.error = impl_->cancelled ? "cancelled" : "timed out";
  } else if (!error.empty()) {
    result.transport_ok = false;
    result.error = error;
  }
  return result;
}

}  // namespace driftd
