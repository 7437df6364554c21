// Internal to daemon/http_server.cc: one HTTP/1.1 connection, and the state
// it shares with the listener. Only http_session.cc includes Beast, so the
// template-heavy parser and serializer are compiled once.
#ifndef DRIFTD_DAEMON_HTTP_SESSION_H_
#define DRIFTD_DAEMON_HTTP_SESSION_H_

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>

#include "config/config.h"
#include "daemon/http_server.h"

namespace driftd::http_internal {

// A live connection, as the listener sees it: it can only be closed.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the socket at once; pending operations complete with an error and
  // no handler runs afterwards.
  virtual void Close() = 0;
};

// What the listener and its connections share. Owned by shared_ptr so that a
// connection whose completion handler is still queued on the io_context keeps
// it alive after the HttpServer is gone.
// Thread-safety: touched only on the io_context's thread.
struct ServerState {
  config::HttpConfig config;
  // Exact paths; std::less<> allows lookup by string_view.
  std::map<std::string, HttpHandler, std::less<>> routes;
  // Every open connection; each registers itself while it lives.
  std::unordered_set<Connection*> connections;
  // Set by Stop(): no route handler runs after it.
  bool stopped = false;
};

// Answers one request: the route's response for GET/HEAD on a known path,
// 404 for an unknown path, 405 for another method on a known path (with
// *allow set to "GET, HEAD"), 500 if the handler throws. HEAD gets the GET
// response; the caller drops the body.
HttpResponse Dispatch(const ServerState& state, const HttpRequest& request, std::string* allow);

// Serves HTTP on `socket` until the peer closes, a timeout or error closes
// it, or Stop(). The session keeps itself alive through its pending
// operations.
void StartSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);

}  // namespace driftd::http_internal

#endif  // DRIFTD_DAEMON_HTTP_SESSION_H_
