#pragma once
// The benchmark's WebSocket client: Boost.Beast, asynchronous, many connections on one io_context
// (one thread, so the scenarios keep their counters without locks). Beast stays inside ws_client.cpp.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loopback_url.hpp"

namespace pleb::load {

namespace net = boost::asio;

class WsClient;

// What a scenario hears from its connections; all calls arrive on the io_context's thread.
class ClientEvents {
 public:
  virtual ~ClientEvents() = default;
  virtual void on_open(WsClient& /*client*/) {}
  virtual void on_message(WsClient& client, std::string_view text) = 0;
  // Exactly once per client: `error` is empty after close(), else what failed (connect, handshake, read).
  virtual void on_end(WsClient& /*client*/, const std::string& /*error*/) {}
};

class WsClient {
 public:
  virtual ~WsClient() = default;
  // Queues a text frame; frames go out in order, one write at a time. Ignored unless open.
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  void send(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  // Sends what is queued, then a close frame; on_end follows when the server has answered.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  // The server accepted permessage-deflate in the handshake.
  virtual bool compressed() const = 0;
  std::size_t index() const { return index_; }

 protected:
  explicit WsClient(std::size_t index) : index_(index) {}

 private:
  std::size_t index_;
};

// Runs the loop until `done()` holds or `limit` has passed; returns done(). The scenario's handlers
// call stop_when_done() after each change of state so the loop returns as soon as it can.
class Phase {
 public:
  explicit Phase(net::io_context& ioc) : ioc_(ioc) {}
  template <typename Done>
  bool run(Done done, std::chrono::steady_clock::duration limit) {
    if (done()) return true;
    done_ = [&done] { return done(); };
    // Returns when a handler stops the loop, at the deadline, or when no work is left.
    ioc_.restart();
    ioc_.run_until(std::chrono::steady_clock::now() + limit);
    done_ = nullptr;
    return done();
  }
  // Called from handlers: stops the loop if the phase's condition now holds.
  void stop_when_done() {
    if (done_ && done_()) ioc_.stop();
  }

 private:
  net::io_context& ioc_;
  std::function<bool()> done_;
};

struct FleetOptions {
  bool compression = false;       // offer permessage-deflate in the handshake
  std::size_t concurrency = 256;  // connects and handshakes in flight at once, to stay under the backlog
};

// A set of connections to one relay, opened a few hundred at a time, indexed 0..size()-1. Forwards
// every event to the scenario's handler after keeping its own counts, then lets `phase` check whether
// it is done.
class Fleet final : public ClientEvents {
 public:
  Fleet(net::io_context& ioc, const Target& target, ClientEvents& handler, Phase& phase,
        FleetOptions options = {});
  // Starts connecting `count` more clients.
  void add(std::size_t count);
  WsClient& client(std::size_t i) { return *clients_[i]; }
  std::size_t size() const { return clients_.size(); }
  std::size_t opened() const { return opened_; }
  std::size_t failed() const { return failed_; }    // never opened
  std::size_t dropped() const { return dropped_; }  // opened, then lost without close()
  std::size_t ended() const { return ended_; }
  std::size_t started() const { return started_; }  // connects begun; each ends exactly once
  bool all_settled() const { return opened_ + failed_ == clients_.size(); }
  const std::string& first_error() const { return first_error_; }
  void close_all();

  void on_open(WsClient& client) override;
  void on_message(WsClient& client, std::string_view text) override;
  void on_end(WsClient& client, const std::string& error) override;

 private:
  void launch();

  net::io_context& ioc_;
  Target target_;
  net::ip::tcp::endpoint endpoint_;
  ClientEvents& handler_;
  Phase& phase_;
  FleetOptions options_;
  std::vector<std::shared_ptr<WsClient>> clients_;
  std::vector<bool> was_opened_;
  std::size_t next_ = 0, started_ = 0, in_flight_ = 0, opened_ = 0, failed_ = 0, dropped_ = 0, ended_ = 0;
  std::string first_error_;
};

}  // namespace pleb::load
