#pragma once
// The event bus: how the relay, the processor and the services reach each other without including
// each other. Messages are opaque bytes plus optional headers; the bus knows no Nostr and no
// transport. Two implementations: memory/ (in one process, `pleb serve`) and nats/ (several
// processes). Semantics, threading and durability: docs/BUS.md.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nostr/result.hpp"

namespace pleb::bus {

using nostr::Result;
using nostr::Status;

namespace subjects {
inline constexpr std::string_view event_received = "event.received";        // relay -> processor (durable)
inline constexpr std::string_view event_validated = "event.validated";      // processor -> relays, analytics
inline constexpr std::string_view moderation_action = "moderation.action";  // community -> all relays
inline constexpr std::string_view user_registered = "user.registered";      // users -> community
inline constexpr std::string_view user_membership = "user.membership";      // users -> all processors
}  // namespace subjects

struct Message {
  std::string payload;
  // Names are case-sensitive; several values of one name keep their order (NATS keeps headers in a
  // map, so the order across names is not kept). Names starting with "Pleb-" or "Nats-" belong to
  // the bus.
  std::vector<std::pair<std::string, std::string>> headers;

  Message() = default;
  explicit Message(std::string payload_bytes) : payload(std::move(payload_bytes)) {}
  // The first value of `name`, if any.
  std::optional<std::string_view> header(std::string_view name) const;
};

// How one delivery answers: each bus implements it. Shared by every copy of a Delivery.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual bool can_reply() const = 0;
  virtual Status reply(Message reply) = 0;
  virtual Status ack() = 0;
};

// A message as a handler receives it. Cheap to copy; copies share the message and the responder, so
// a handler may pass it to another thread and reply or ack from there later.
class Delivery {
 public:
  Delivery(std::shared_ptr<const std::string> subject, std::shared_ptr<const Message> message,
           std::shared_ptr<Responder> responder, unsigned attempt)
      : subject_(std::move(subject)),
        message_(std::move(message)),
        responder_(std::move(responder)),
        attempt_(attempt) {}

  const std::string& subject() const { return *subject_; }
  const Message& message() const { return *message_; }
  // 1 on the first delivery; more when a durable message comes again because it was not acked.
  unsigned attempt() const { return attempt_; }
  // True when the publisher used request() and is (or was) waiting for an answer.
  bool can_reply() const { return responder_ && responder_->can_reply(); }
  // Answers the requester. The first reply wins; an error when nobody asked.
  Status reply(Message reply) const;
  // Durable deliveries (queue_subscribe on a durable subject): the message is handled for good and
  // must not come again. Call it after the effect is durable. A no-op everywhere else.
  Status ack() const;

 private:
  std::shared_ptr<const std::string> subject_;
  std::shared_ptr<const Message> message_;
  std::shared_ptr<Responder> responder_;
  unsigned attempt_;
};

using Handler = std::function<void(const Delivery&)>;
// Called exactly once, on a bus thread, with the reply or the reason there is none. What it throws is
// dropped.
using ReplyHandler = std::function<void(Result<Message>)>;

// Stops a subscription. Implemented by each bus.
class SubscriptionControl {
 public:
  virtual ~SubscriptionControl() = default;
  virtual void close() = 0;
};

// A live subscription; destroying it unsubscribes. Once unsubscribe() returns, the handler is not
// running and will not run again -- except when called from the handler itself, which then finishes.
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::shared_ptr<SubscriptionControl> control) : control_(std::move(control)) {}
  Subscription(Subscription&&) noexcept = default;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() { unsubscribe(); }

  void unsubscribe();
  bool active() const { return control_ != nullptr; }

 private:
  std::shared_ptr<SubscriptionControl> control_;
};

// Every member is thread-safe and may be called from a handler.
class Bus {
 public:
  Bus() = default;
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;
  virtual ~Bus() = default;

  // Fire and forget to every subscriber and to one member of each queue group. On a durable subject
  // it returns once the message is stored (JetStream acknowledged it), or an error saying it is not.
  virtual Status publish(std::string_view subject, Message message) = 0;

  // Every subscriber of a subject gets every message (at most once, even on a durable subject).
  virtual Result<Subscription> subscribe(std::string_view subject, Handler handler) = 0;

  // The members of `group` share the messages: each one goes to one member. On a durable subject
  // every stored message reaches the group at least once: a delivery not acked within the ack wait
  // comes again (Delivery::attempt() > 1), possibly to another member. A durable subject has one
  // group (the first name used); another name is an error.
  virtual Result<Subscription> queue_subscribe(std::string_view subject, std::string_view group,
                                               Handler handler) = 0;

  // Publishes and waits, without blocking the caller, for the first reply (Delivery::reply). On a
  // durable subject the message is stored first and answered when a group member handles it, also
  // after a redelivery if the requester is still waiting. `on_reply` gets an error when `timeout`
  // passes, when nobody subscribes to a non-durable subject, or when the bus closes.
  virtual void request(std::string_view subject, Message message, std::chrono::milliseconds timeout,
                       ReplyHandler on_reply) = 0;

  // request() for callers that may block: tools and tests. Not from a handler of the same bus (it
  // would hold a bus thread while waiting).
  Result<Message> request_sync(std::string_view subject, Message message, std::chrono::milliseconds timeout);

  // Whether messages on `subject` are stored until a queue group acks them.
  virtual bool is_durable(std::string_view subject) const = 0;
};

}  // namespace pleb::bus
