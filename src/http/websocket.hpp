#pragma once
// The transport-facing side of a WebSocket connection, as the relay sees it. Knows nothing of Nostr.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace pleb::http {

class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  // Thread-safe. Queues a text frame; past the outgoing byte bound the connection is told why and closed.
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  void send(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  // Thread-safe. Runs `task` on this connection's strand, serialized with its message handling.
  virtual void post(std::function<void()> task) = 0;
  // Thread-safe. Runs `task` on the strand once at most `below_bytes` wait to be sent (at once if that is
  // already so): how producers that can wait, such as stored queries, follow a slow reader's pace.
  // Dropped if the connection closes first.
  virtual void when_drained(std::size_t below_bytes, std::function<void()> task) = 0;
  // Thread-safe. Sends what is queued, then a close frame.
  virtual void close() = 0;
  virtual const std::string& remote_address() const = 0;
  virtual std::uint64_t id() const = 0;
};

// What the application attaches to each connection; all calls arrive on the connection's strand.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void on_text(std::string_view message) = 0;
  virtual void on_binary() = 0;
  virtual void on_oversize(std::size_t limit) = 0;
  virtual void on_close() = 0;
};

struct UpgradeInfo {
  std::string remote_address;
  std::string host;  // Host header, for NIP-42 relay URL checks
  std::string path;
};

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual std::shared_ptr<MessageSink> on_open(std::shared_ptr<WebSocketConnection> connection,
                                               const UpgradeInfo& info) = 0;
};

}  // namespace pleb::http
