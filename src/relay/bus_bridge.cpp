#include "relay/bus_bridge.hpp"

#include <condition_variable>
#include <mutex>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "processor/ingest/envelope.hpp"

namespace pleb::relay {

// Shared with the reply callbacks, which may outlive the writer by up to one timeout.
struct BusEventWriter::State {
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t in_flight = 0;
  bool stopping = false;
};

BusEventWriter::BusEventWriter(bus::Bus& bus, std::chrono::milliseconds timeout)
    : bus_(bus), timeout_(timeout), state_(std::make_shared<State>()) {}

BusEventWriter::~BusEventWriter() {
  stop();
}

void BusEventWriter::submit(nostr::Event event, Done done, Applied applied) {
  submit(std::move(event), store::EventOrigin{}, std::move(done), std::move(applied));
}

void BusEventWriter::submit(nostr::Event event, const store::EventOrigin& origin, Done done, Applied) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping) {
      done(store::error_result("shutting down"));
      return;
    }
    ++state_->in_flight;
  }
  auto message = processor::encode_received(nostr::to_json(event), origin);
  bus_.request(bus::subjects::event_received, std::move(message), timeout_,
               [state = state_, done = std::move(done)](nostr::Result<bus::Message> reply) {
                 if (reply) {
                   done(processor::decode_verdict(*reply));
                 } else {
                   done(store::error_result("the event processor did not answer: " + reply.error()));
                 }
                 std::lock_guard lock(state->mutex);
                 if (--state->in_flight == 0) state->idle.notify_all();
               });
}

void BusEventWriter::stop() {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  // Every request ends by its timeout at the latest; the margin covers the bus's own bookkeeping.
  state_->idle.wait_for(lock, timeout_ + std::chrono::seconds(1), [this] { return state_->in_flight == 0; });
}

LiveFeed::LiveFeed(bus::Bus& bus, SubscriptionRegistry& subscriptions)
    : bus_(bus), subscriptions_(subscriptions) {}

nostr::Status LiveFeed::start() {
  auto subscription = bus_.subscribe(bus::subjects::event_validated, [this](const bus::Delivery& delivery) {
    const std::string& json = delivery.message().payload;
    // The processor verified it before announcing it; parsing is all that is left.
    auto event = nostr::parse_event(json);
    if (!event) {
      malformed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto published = std::make_shared<Published>();
    published->event = std::move(*event);
    published->json = json;
    subscriptions_.publish(published);
    delivered_.fetch_add(1, std::memory_order_relaxed);
  });
  if (!subscription) return nostr::failed(subscription.error());
  subscription_ = std::move(*subscription);
  return nostr::ok_status();
}

void LiveFeed::stop() {
  subscription_.unsubscribe();
}

}  // namespace pleb::relay
