#pragma once
// One port for everything: HTTP requests go to the HTTP handler, WebSocket upgrades to the WebSocket handler.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "http/websocket.hpp"

namespace pleb::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7777;
  unsigned threads = 0;                              // 0: one per core
  std::size_t max_message_bytes = 512 * 1024;        // larger text frames get a NOTICE; twice this closes
  std::size_t max_outgoing_bytes = 8 * 1024 * 1024;  // queued for one connection; past it: NOTICE, close
  std::size_t max_connections_per_ip = 256;
  std::chrono::seconds idle_timeout{300};  // pings go out at half of it; no answer closes
  bool permessage_deflate = true;
  int deflate_window_bits = 12;
  std::size_t max_http_body_bytes = 1024 * 1024;
};

struct HttpRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string remote_address;
  std::string header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// An RFC 9457 application/problem+json response; `title` and `detail` are escaped.
HttpResponse problem_response(unsigned status, std::string_view title, std::string_view detail);

class Server {
 public:
  // `websocket` may be null: upgrade requests then go to `http` like any other request.
  Server(ServerOptions options, HttpHandler http, std::shared_ptr<WebSocketHandler> websocket);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port (useful with port 0). Throws on failure.
  std::uint16_t listen();
  // Runs the I/O threads until stop(); the calling thread is one of them.
  void run();
  // Stops accepting, closes every connection cleanly (queued frames are sent first) and lets run() return.
  void stop();
  std::size_t connection_count() const;
  // Calls `handler` on an I/O thread when SIGINT or SIGTERM arrives (once).
  void on_signal(std::function<void()> handler);
  // Calls `handler` on an I/O thread at every SIGHUP (configuration reload).
  void on_reload(std::function<void()> handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pleb::http
