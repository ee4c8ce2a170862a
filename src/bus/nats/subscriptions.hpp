#pragma once
// The two kinds of NATS subscriptions behind Bus::subscribe and Bus::queue_subscribe: core ones
// (nats.c delivers on the subscription's own thread) and JetStream pull consumers (one fetching
// thread per subscription, explicit acks).
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "bus/guarded_handler.hpp"
#include "bus/nats/nats_link.hpp"

namespace pleb::bus::nats {

class CoreSubscription final : public SubscriptionControl {
 public:
  // `group` empty: every message; otherwise one member of the NATS queue group gets each.
  static Result<std::shared_ptr<CoreSubscription>> start(std::shared_ptr<Link> link, std::string_view subject,
                                                         std::string_view group, bool durable_subject,
                                                         Handler handler);
  void close() override;
  ~CoreSubscription() override { close(); }

  struct State;  // what the nats.c callback reaches, freed when nats.c is done with it

 private:
  std::shared_ptr<State> state_;
  natsSubscription* subscription_ = nullptr;
  std::atomic<bool> closed_{false};
};

struct PullOptions {
  std::string stream;
  std::string group;
  std::int64_t ack_wait_ms;
  std::int64_t api_timeout_ms;
  int batch;
};

class PullConsumer final : public SubscriptionControl {
 public:
  // Creates the group's durable consumer on `stream` unless it exists, then starts fetching.
  static Result<std::shared_ptr<PullConsumer>> start(std::shared_ptr<Link> link, std::string_view subject,
                                                     const PullOptions& options, Handler handler);
  void close() override;
  ~PullConsumer() override { close(); }

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread fetcher_;
  std::atomic<bool> closed_{false};
};

}  // namespace pleb::bus::nats
