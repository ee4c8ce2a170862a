#pragma once
// The bus across processes, over NATS (nats.c). Durable subjects are JetStream work-queue streams
// (file storage) consumed by one durable pull consumer per subject; everything else is core NATS.
// Reconnects are automatic and subscriptions survive a server restart. See docs/BUS.md.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.hpp"

namespace pleb::bus {

class TimerThread;
class PendingRequests;
namespace nats {
struct Link;
}

struct NatsBusOptions {
  // "nats://127.0.0.1:4222"; several servers of one cluster separated by commas.
  std::string url;
  // Shown by the server's monitoring, e.g. "pleb-relay".
  std::string name = "pleb";
  struct Durable {
    std::string subject;
    std::string stream;  // created (work-queue retention, file storage) unless it exists
  };
  std::vector<Durable> durable_subjects = {{std::string(subjects::event_received), "PLEB_EVENTS"}};
  // How long a fetched durable message may stay unacked before it comes again. Applies when the
  // group's consumer is created; an existing consumer keeps its own.
  std::chrono::milliseconds ack_wait{30000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds reconnect_wait{250};
  // What publishes may queue while the server is away; past it, publish fails.
  int reconnect_buffer_bytes = 8 * 1024 * 1024;
  // JetStream's acknowledgement of a durable publish, and its API calls.
  std::chrono::milliseconds jetstream_timeout{5000};
  // Write each message to the socket at once. Off, nats.c's flusher batches writes: fan-out
  // throughput triples but every request and every reply waits ~1 ms for the flusher, so a round
  // trip takes ~2 ms instead of ~0.2 ms on loopback (docs/BUS.md). On by default: a client waits on
  // each verdict, and ~170k msg/s on one connection is well above what the store writes.
  bool send_asap = true;
  // Messages a durable consumer fetches at a time.
  int fetch_batch = 64;
};

class NatsBus final : public Bus {
 public:
  // Connects (an error if no server answers within connect_timeout) and makes sure the durable
  // subjects' streams exist.
  static Result<std::unique_ptr<NatsBus>> connect(NatsBusOptions options);
  // Closes every subscription, fails waiting requests with "bus closed", closes the connection.
  ~NatsBus() override;

  Status publish(std::string_view subject, Message message) override;
  Result<Subscription> subscribe(std::string_view subject, Handler handler) override;
  Result<Subscription> queue_subscribe(std::string_view subject, std::string_view group,
                                       Handler handler) override;
  void request(std::string_view subject, Message message, std::chrono::milliseconds timeout,
               ReplyHandler on_reply) override;
  bool is_durable(std::string_view subject) const override;

  // False while reconnecting.
  bool connected() const;

  struct Inbox;  // where replies and JetStream's store acknowledgements arrive

 private:
  explicit NatsBus(NatsBusOptions options);
  Status open();
  const NatsBusOptions::Durable* durable(std::string_view subject) const;
  std::size_t max_message_bytes() const;
  void remember(const std::shared_ptr<SubscriptionControl>& control);

  NatsBusOptions options_;
  std::unique_ptr<TimerThread> timer_;
  std::shared_ptr<PendingRequests> pending_;
  std::shared_ptr<nats::Link> link_;
  std::unique_ptr<Inbox> inbox_;
  std::mutex subscriptions_mutex_;
  std::vector<std::weak_ptr<SubscriptionControl>> subscriptions_;
};

}  // namespace pleb::bus
