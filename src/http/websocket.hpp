#pragma once
// The transport-facing side of a WebSocket connection, as the relay sees it. Knows nothing of Nostr.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace pleb::http {

// One text message in up to three parts, written without joining them: a live event goes to every
// subscriber as its own ["EVENT","<sub>", prefix, the one shared JSON text, and a literal "]".
struct OutgoingMessage {
  std::shared_ptr<const std::string> head;
  std::shared_ptr<const std::string> body;  // may be null
  std::string_view tail;                    // must outlive the connection: a literal
  std::size_t size() const { return head->size() + (body ? body->size() : 0) + tail.size(); }
};

class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  // Thread-safe. Queues a text message; past the outgoing byte bound the connection is told why and closed.
  virtual void send(OutgoingMessage message) = 0;
  void send(std::shared_ptr<const std::string> text) { send(OutgoingMessage{std::move(text), nullptr, {}}); }
  void send(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  // Like send(), for code already running on this connection's strand: the message is queued at once
  // instead of through the scheduler. Used for event deliveries, the busiest path; replies such as OK
  // keep going through send(), where several of them coalesce behind a write in progress.
  virtual void send_on_strand(OutgoingMessage message) = 0;
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
  // The text messages that arrived in one socket read, in order. By default each goes to on_text.
  virtual void on_texts(std::span<const std::string_view> messages) {
    for (std::string_view message : messages) on_text(message);
  }
  virtual void on_binary() = 0;
  virtual void on_oversize(std::size_t limit) = 0;
  // The client read too slowly for what it asked for: the connection is being told and closed.
  virtual void on_overflow() {}
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
