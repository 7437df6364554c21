// HttpServer over real loopback sockets: the server runs on its io_context in
// a thread, the client is plain POSIX sockets so that it can send exactly the
// bytes under test (garbage, half requests, oversized headers).
#include "daemon/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "daemon/tests/http_test_client.h"

namespace driftd {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::Get;
using testing::kClientTimeout;
using testing::Response;

config::HttpConfig TestConfig() {
  config::HttpConfig config;
  config.listen = "127.0.0.1:0";
  config.request_timeout = 300ms;
  config.idle_timeout = 300ms;
  config.max_request_bytes = 1024;
  config.max_connections = 4;
  return config;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(const config::HttpConfig& config = TestConfig()) {
    server_ = std::make_unique<HttpServer>(io_, config);
    server_->Route("/hello", [](const HttpRequest&) {
      return HttpResponse{200, "text/plain; charset=utf-8", "hello\n"};
    });
    server_->Route("/echo", [](const HttpRequest& request) {
      return HttpResponse{200, "application/json",
                          "{\"method\":\"" + request.method + "\",\"path\":\"" + request.path +
                              "\",\"query\":\"" + request.query + "\"}"};
    });
    server_->Route("/throws", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("boom");
    });
    const auto error = server_->Start();
    ASSERT_FALSE(error.has_value()) << *error;
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }

  // Stops the server on its own thread, as the contract requires.
  void StopServer() {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      server_->Stop();
      done.set_value();
    });
    done.get_future().wait();
  }

  void TearDown() override {
    if (thread_.joinable()) {
      StopServer();
      work_.reset();
      io_.stop();
      thread_.join();
    }
    server_.reset();
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(HttpServerTest, PortZeroBindsAFreePort) {
  StartServer();
  EXPECT_NE(port_, 0);
}

TEST_F(HttpServerTest, GetReturnsBodyAndHeaders) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  const Response response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello\n");
  EXPECT_EQ(response.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(response.headers.at("content-length"), "6");
  EXPECT_EQ(response.headers.at("server"), "driftd");
}

TEST_F(HttpServerTest, HandlerSeesMethodPathAndQuery) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/echo?x=1&y=%20")));
  const Response response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.at("content-type"), "application/json");
  EXPECT_EQ(response.body, R"({"method":"GET","path":"/echo","query":"x=1&y=%20"})");
}

TEST_F(HttpServerTest, HeadSendsGetHeadersWithoutBody) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n"));
  const Response head = client.Read(/*expect_body=*/false);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), "6");
  // Had the body been sent, it would precede this response's status line.
  ASSERT_TRUE(client.Send(Get("/hello")));
  const Response get = client.Read();
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello\n");
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/nope")));
  const Response response = client.Read();
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.headers.at("server"), "driftd");
  EXPECT_EQ(response.headers.at("content-length"), std::to_string(response.body.size()));
}

TEST_F(HttpServerTest, PathMatchIsExact) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello/")));
  EXPECT_EQ(client.Read().status, 404);
  ASSERT_TRUE(client.Send(Get("/hell")));
  EXPECT_EQ(client.Read().status, 404);
}

TEST_F(HttpServerTest, OtherMethodOnKnownPathIs405WithAllow) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("POST /hello HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc"));
  const Response response = client.Read();
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers.at("allow"), "GET, HEAD");
  // The connection stays usable: the body was consumed.
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/throws")));
  EXPECT_EQ(client.Read().status, 500);
}

TEST_F(HttpServerTest, OversizedHeaderIs413AndClosed) {
  StartServer();  // max_request_bytes = 1024
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello", "X-Pad: " + std::string(2000, 'a') + "\r\n")));
  EXPECT_EQ(client.Read().status, 413);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, DeclaredOversizedBodyIs413) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\n" +
                          std::string(500, 'b')));
  EXPECT_EQ(client.Read().status, 413);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, HeaderPlusBodyOverLimitIs413) {
  StartServer();
  Client client(port_);
  // Body alone fits 1024 bytes; header + body does not.
  const std::string body(1000, 'c');
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: test\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body));
  EXPECT_EQ(client.Read().status, 413);
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitIs413) {
  StartServer();
  Client client(port_);
  std::string request = "GET /hello HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 6; ++i) request += "100\r\n" + std::string(256, 'd') + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(client.Send(request));
  EXPECT_EQ(client.Read().status, 413);
}

TEST_F(HttpServerTest, BodyWithinLimitIsAccepted) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n" +
                          std::string(100, 'e')));
  EXPECT_EQ(client.Read().status, 200);
}

TEST_F(HttpServerTest, MalformedRequestLineIs400) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send("HELLO WORLD\r\n\r\n"));
  EXPECT_EQ(client.Read().status, 400);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, BinaryGarbageIs400AndServerSurvives) {
  StartServer();
  {
    Client client(port_);
    std::string garbage;
    for (int i = 0; i < 300; ++i) garbage.push_back(static_cast<char>((i * 37 + 11) % 256));
    ASSERT_TRUE(client.Send(garbage + "\r\n\r\n"));
    EXPECT_EQ(client.Read().status, 400);
  }
  {
    Client client(port_);
    ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nContent-Length: -5\r\n\r\n"));
    EXPECT_EQ(client.Read().status, 400);
  }
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
}

// Mutated requests (flipped, inserted and dropped bytes, truncation) from a
// fixed seed: each gets a status line or a close, and the server keeps
// serving. The sanitizer build turns memory errors here into failures.
TEST_F(HttpServerTest, MutatedRequestsNeverBreakTheServer) {
  StartServer();
  const std::string valid =
      "GET /echo?a=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n";
  std::mt19937 rng(20261127);
  for (int i = 0; i < 200; ++i) {
    std::string request = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % request.size();
      switch (rng() % 4) {
        case 0: request[at] = static_cast<char>(rng() % 256); break;
        case 1: request.insert(at, 1, static_cast<char>(rng() % 256)); break;
        case 2: request.erase(at, 1); break;
        case 3: request.resize(at + 1); break;
      }
    }
    Client client(port_);
    ASSERT_TRUE(client.connected());
    client.Send(request);
    client.ShutdownWrite();
    const Response response = client.Read();
    EXPECT_TRUE(response.status == 0 || (response.status >= 200 && response.status < 600))
        << "request " << i;
    EXPECT_TRUE(client.WaitForClose()) << "request " << i;
  }
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  const Response first = client.Read();
  ASSERT_TRUE(client.Send(Get("/echo?n=2")));
  const Response second = client.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "hello\n");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, R"({"method":"GET","path":"/echo","query":"n=2"})");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello") + Get("/nope") + Get("/echo")));
  EXPECT_EQ(client.Read().status, 200);
  EXPECT_EQ(client.Read().status, 404);
  EXPECT_EQ(client.Read().status, 200);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello", "Connection: close\r\n")));
  const Response response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.at("connection"), "close");
  EXPECT_TRUE(client.WaitForClose());
}

// The request timeout and idle timeout are real timers: the test waits for
// the server to close the connection, bounded by kClientTimeout.
TEST_F(HttpServerTest, SlowClientDoesNotBlockOthersAndIsClosedAfterRequestTimeout) {
  StartServer();  // request_timeout = 300ms
  Client slow(port_);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.Send("GET /hello HTTP/1.1\r\nHo"));

  Client fast(port_);
  ASSERT_TRUE(fast.Send(Get("/hello")));
  EXPECT_EQ(fast.Read().status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 300ms);

  EXPECT_TRUE(slow.WaitForClose());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, kClientTimeout);
}

TEST_F(HttpServerTest, SilentConnectionIsClosedAfterRequestTimeout) {
  StartServer();
  Client client(port_);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  auto config = TestConfig();
  config.request_timeout = 5s;
  config.idle_timeout = 200ms;
  StartServer(config);
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // idle, not request, timeout
}

TEST_F(HttpServerTest, ConnectionsOverTheCapAreRefused) {
  auto config = TestConfig();
  config.max_connections = 2;
  config.request_timeout = 5s;
  config.idle_timeout = 5s;
  StartServer(config);
  Client first(port_), second(port_);
  // A completed request proves each connection is registered.
  for (Client* client : {&first, &second}) {
    ASSERT_TRUE(client->Send(Get("/hello")));
    ASSERT_EQ(client->Read().status, 200);
  }
  Client third(port_);
  ASSERT_TRUE(third.Send(Get("/hello")));
  const Response rejected = third.Read();
  EXPECT_EQ(rejected.status, 503);
  EXPECT_EQ(rejected.headers.at("connection"), "close");
  EXPECT_TRUE(third.WaitForClose());
  // The first two are still served.
  ASSERT_TRUE(first.Send(Get("/hello")));
  EXPECT_EQ(first.Read().status, 200);
}

TEST_F(HttpServerTest, ClosedConnectionFreesItsSlot) {
  auto config = TestConfig();
  config.max_connections = 1;
  config.request_timeout = 5s;
  config.idle_timeout = 5s;
  StartServer(config);
  {
    Client first(port_);
    ASSERT_TRUE(first.Send(Get("/hello")));
    ASSERT_EQ(first.Read().status, 200);
  }
  // The server learns of the close asynchronously: retry briefly.
  int status = 0;
  for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
    Client next(port_);
    ASSERT_TRUE(next.Send(Get("/hello")));
    status = next.Read().status;
    if (status != 200) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200);
}

TEST_F(HttpServerTest, StopClosesOpenConnections) {
  auto config = TestConfig();
  config.idle_timeout = 5s;
  StartServer(config);
  Client client(port_);
  ASSERT_TRUE(client.Send(Get("/hello")));
  ASSERT_EQ(client.Read().status, 200);
  StopServer();
  EXPECT_TRUE(client.WaitForClose());
  Client after(port_);
  EXPECT_FALSE(after.connected());
}

TEST_F(HttpServerTest, ListensOnIpv6Loopback) {
  auto config = TestConfig();
  config.listen = "[::1]:0";
  StartServer(config);
  Client client(port_, AF_INET6);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
}

TEST_F(HttpServerTest, ListensOnLocalhostName) {
  auto config = TestConfig();
  config.listen = "localhost:0";
  StartServer(config);
  EXPECT_NE(port_, 0);
}

TEST(HttpServerStartTest, RejectsBadListenAddresses) {
  boost::asio::io_context io;
  for (const char* listen : {"nonsense", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:8x",
                             "::1:80", "[::1]:-1", "[::1]"}) {
    config::HttpConfig config;
    config.listen = listen;
    HttpServer server(io, config);
    EXPECT_TRUE(server.Start().has_value()) << listen;
  }
}

TEST(HttpServerStartTest, PortInUseIsAnError) {
  boost::asio::io_context io;
  config::HttpConfig config;
  config.listen = "127.0.0.1:0";
  HttpServer first(io, config);
  ASSERT_FALSE(first.Start().has_value());
  config.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(io, config);
  const auto error = second.Start();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("bind"), std::string::npos) << *error;
}

}  // namespace
}  // namespace driftd
