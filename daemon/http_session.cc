#include "daemon/http_session.h"

#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace driftd::http_internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// After a response that ends the connection (errors, HTTP/1.0, "close"), the
// rest of the request is read and discarded for a short while before the
// socket is closed: closing with unread input makes the kernel send RST,
// which can destroy the response before the client reads it.
constexpr std::size_t kMaxDrainBytes = 1 << 20;
constexpr auto kMaxDrainTime = std::chrono::seconds(1);
constexpr std::size_t kReadChunk = 4096;

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

bool IsHttpError(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category();
}

class Session : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)),
        state_(std::move(state)),
        // The header must fit the buffer whole (Beast parses it in one
        // piece), so the buffer holds max_request_bytes plus some slack:
        // header_limit then fires before buffer_overflow.
        buffer_(static_cast<std::size_t>(
            std::min<std::uint64_t>(state_->config.max_request_bytes, 1u << 30) + 1024)) {
    state_->connections.insert(this);
  }
  ~Session() override { state_->connections.erase(this); }

  void Start() { ReadRequest(); }

  void Close() override {
    closed_ = true;
    stream_.close();
  }

 private:
  const config::HttpConfig& config() const { return state_->config; }

  // Between keep-alive requests the connection may be idle for idle_timeout;
  // once a request starts (or on a fresh connection) the whole request must
  // arrive within request_timeout.
  void ReadRequest() {
    if (closed_) return;
    if (!first_request_ && buffer_.size() == 0) {
      WaitForNextRequest();
      return;
    }
    first_request_ = false;
    ReadHeader();
  }

  void WaitForNextRequest() {
    stream_.expires_after(config().idle_timeout);
    auto space = buffer_.prepare(std::min(kReadChunk, buffer_.max_size()));
    stream_.async_read_some(space, [self = shared_from_this()](beast::error_code ec,
                                                               std::size_t n) {
      if (ec || self->closed_) {
        self->Close();
        return;
      }
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    const std::uint64_t max = config().max_request_bytes;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::uint64_t>(max, UINT32_MAX)));
    // Checked against Content-Length when the header completes; tightened to
    // what is left of max_request_bytes below.
    parser_->body_limit(max);
    stream_.expires_after(config().request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->OnHeader(ec, n);
                            });
  }

  void OnHeader(beast::error_code ec, std::size_t header_bytes) {
    if (closed_) return;
    if (ec) {
      OnReadError(ec);
      return;
    }
    const std::uint64_t max = config().max_request_bytes;
    const std::uint64_t left = header_bytes >= max ? 0 : max - header_bytes;
    if (auto length = parser_->content_length(); length && *length > left) {
      WriteError(413, "request too large\n");
      return;
    }
    parser_->body_limit(left);  // chunked bodies are checked as they arrive
    if (parser_->is_done()) {
      Respond();
      return;
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (self->closed_) return;
                       if (ec) {
                         self->OnReadError(ec);
                         return;
                       }
                       self->Respond();
                     });
  }

  void OnReadError(const beast::error_code& ec) {
    if (ec == http::error::header_limit || ec == http::error::body_limit ||
        ec == http::error::buffer_overflow) {
      WriteError(413, "request too large\n");
    } else if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
               !IsHttpError(ec)) {
      // The peer left (cleanly or mid-request), the timeout closed the
      // stream, or a socket error: nobody to answer.
      Close();
    } else {
      WriteError(400, "bad request\n");
    }
  }

  void Respond() {
    if (state_->stopped) {
      Close();
      return;
    }
    const auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    const std::string_view target = message.target();
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) {
      request.query = std::string(target.substr(question + 1));
    }

    std::string allow;
    HttpResponse response = Dispatch(*state_, request, &allow);
    Write(std::move(response), allow, message.method() == http::verb::head, message.version(),
          message.keep_alive());
  }

  void WriteError(int status, std::string body) {
    Write(TextResponse(status, std::move(body)), "", false, 11, false);
  }

  void Write(HttpResponse response, const std::string& allow, bool head, unsigned version,
             bool keep_alive) {
    if (response.status < 100 || response.status > 599) {
      response = TextResponse(500, "invalid status\n");
    }
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "driftd");
    response_.set(http::field::content_type, response.content_type);
    if (!allow.empty()) response_.set(http::field::allow, allow);
    // HEAD answers with the length the GET body would have, and no body.
    response_.content_length(response.body.size());
    if (!head) response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive);
    keep_alive_ = keep_alive;

    stream_.expires_after(config().request_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (self->closed_) return;
                        if (ec) {
                          self->Close();
                        } else if (!self->keep_alive_) {
                          self->Linger();
                        } else {
                          self->ReadRequest();
                        }
                      });
  }

  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
      Close();
      return;
    }
    stream_.expires_after(std::min<std::chrono::steady_clock::duration>(
        config().request_timeout, kMaxDrainTime));
    buffer_.clear();
    Drain();
  }

  void Drain() {
    auto space = buffer_.prepare(std::min(kReadChunk, buffer_.max_size()));
    stream_.async_read_some(space, [self = shared_from_this()](beast::error_code ec,
                                                               std::size_t n) {
      self->drained_ += n;
      if (ec || self->closed_ || self->drained_ > kMaxDrainBytes) {
        self->Close();
        return;
      }
      self->Drain();
    });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool closed_ = false;
  std::size_t drained_ = 0;
};

}  // namespace

HttpResponse Dispatch(const ServerState& state, const HttpRequest& request, std::string* allow) {
  const auto route = state.routes.find(request.path);
  if (route == state.routes.end()) return TextResponse(404, "not found\n");
  if (request.method != "GET" && request.method != "HEAD") {
    *allow = "GET, HEAD";
    return TextResponse(405, "method not allowed\n");
  }
  // A handler bug must not take the connection (or the daemon) down.
  try {
    return route->second(request);
  } catch (const std::exception& e) {
    return TextResponse(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    return TextResponse(500, "internal error\n");
  }
}

void StartSession(tcp::socket socket, std::shared_ptr<ServerState> state) {
  beast::error_code ec;
  // Small responses on keep-alive connections would otherwise wait for the
  // peer's delayed ACK (Nagle).
  socket.set_option(tcp::no_delay(true), ec);
  std::make_shared<Session>(std::move(socket), std::move(state))->Start();
}

}  // namespace driftd::http_internal
