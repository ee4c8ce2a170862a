#pragma once
// The bus inside one process (`pleb serve`): the same semantics as the NATS bus -- fan-out, queue
// groups, request/reply, durable subjects with ack and redelivery -- without a network. Handlers run
// on a small worker pool, each subscription's one at a time and in order (see docs/BUS.md).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus.hpp"

namespace pleb::bus {

struct MemoryBusOptions {
  unsigned threads = 2;
  // Subjects whose messages wait for a queue group's ack.
  std::vector<std::string> durable_subjects = {std::string(subjects::event_received)};
  std::chrono::milliseconds ack_wait{30000};
  // As NATS's default max_payload, so that what works here works there.
  std::size_t max_message_bytes = 1 << 20;
  // Per durable subject: stored and not yet acked. Past it, publish and request fail at once.
  std::size_t max_stored_messages = 100000;
};

class MemoryBus final : public Bus {
 public:
  explicit MemoryBus(MemoryBusOptions options = {});
  // Closes every subscription (waiting for running handlers) and fails waiting requests with
  // "bus closed". Not from one of its handlers.
  ~MemoryBus() override;

  Status publish(std::string_view subject, Message message) override;
  Result<Subscription> subscribe(std::string_view subject, Handler handler) override;
  Result<Subscription> queue_subscribe(std::string_view subject, std::string_view group,
                                       Handler handler) override;
  void request(std::string_view subject, Message message, std::chrono::milliseconds timeout,
               ReplyHandler on_reply) override;
  bool is_durable(std::string_view subject) const override;

  class Router;  // subscription tables, shared with the subscriptions that outlive the bus

 private:
  MemoryBusOptions options_;
  struct Threads;
  std::unique_ptr<Threads> threads_;
  std::shared_ptr<Router> router_;
};

}  // namespace pleb::bus
