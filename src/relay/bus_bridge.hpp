#pragma once
// The relay's side of the scale-out bus. BusEventWriter sends accepted events to the processors on
// `event.received` and reports their verdict as the client's OK; LiveFeed turns `event.validated` from
// every processor into live deliveries on this relay, whichever relay the event arrived on.
#include <atomic>
#include <chrono>
#include <memory>

#include "bus/bus.hpp"
#include "relay/subscriptions.hpp"
#include "store/event_writer.hpp"

namespace pleb::relay {

class BusEventWriter : public store::EventWriter {
 public:
  // `timeout`: how long a client waits for the processor's verdict before it gets `error:`.
  BusEventWriter(bus::Bus& bus, std::chrono::milliseconds timeout);
  ~BusEventWriter() override;

  using store::EventWriter::submit;
  void submit(nostr::Event event, Done done, Applied applied) override;
  // `applied` is never called: live delivery comes back through LiveFeed, after the processor's commit.
  void submit(nostr::Event event, const store::EventOrigin& origin, Done done, Applied applied) override;
  // Ephemeral events reach the other relays through the processor's `event.validated` too.
  bool handles_ephemeral() const override { return true; }
  // Waits (bounded by the timeout) until every submitted event has its verdict, then refuses new ones.
  void stop() override;

 private:
  struct State;
  bus::Bus& bus_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<State> state_;
};

class LiveFeed {
 public:
  LiveFeed(bus::Bus& bus, SubscriptionRegistry& subscriptions);
  nostr::Status start();
  void stop();
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  std::uint64_t malformed() const { return malformed_.load(std::memory_order_relaxed); }

 private:
  bus::Bus& bus_;
  SubscriptionRegistry& subscriptions_;
  bus::Subscription subscription_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> malformed_{0};
};

}  // namespace pleb::relay
