#pragma once
// The relay: NIP-01 sessions on top of an EventStore, with group-committed writes and live fan-out.
// An EVENT is parsed and verified on the connection's I/O thread, stored by the BatchWriter's thread,
// acknowledged after the commit, then published to every matching subscription.
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "http/server.hpp"
#include "metrics/exposition.hpp"
#include "processor/write_policy.hpp"
#include "relay/config.hpp"
#include "relay/in_flight.hpp"
#include "relay/subscriptions.hpp"
#include "store/event_store.hpp"
#include "store/event_writer.hpp"

namespace pleb::relay {

struct RelayStats {
  std::atomic<std::uint64_t> slow_reader_disconnects{0};
  std::atomic<std::uint64_t> events_received{0};
  std::atomic<std::uint64_t> events_stored{0};
  std::atomic<std::uint64_t> events_ephemeral{0};
  std::atomic<std::uint64_t> events_shadow_rejected{0};
  std::atomic<std::uint64_t> events_held{0};
  std::atomic<std::uint64_t> events_rejected{0};
  std::atomic<std::uint64_t> active_connections{0};
  std::atomic<std::uint64_t> queries{0};
  std::atomic<std::uint64_t> counts{0};
  // Rejections by the machine-readable prefix of their OK message (index: kRejectionPrefixes).
  std::array<std::atomic<std::uint64_t>, 9> rejected_by_prefix{};
  // From the EVENT's arrival to its OK being queued for the client.
  metrics::Histogram event_duration{metrics::Histogram::latency_seconds()};

  // Counts one OK false by its message's prefix ("duplicate: ..." -> duplicate).
  void count_rejection(std::string_view ok_message);
};
// invalid, duplicate, pow, blocked, rate-limited, restricted, auth-required, error, then anything else.
extern const std::array<std::string_view, 9> kRejectionPrefixes;

class Relay : public http::WebSocketHandler, public std::enable_shared_from_this<Relay> {
 public:
  Relay(RelayConfig config, store::EventStore& store, store::EventWriter& writer);

  std::shared_ptr<http::MessageSink> on_open(std::shared_ptr<http::WebSocketConnection> connection,
                                             const http::UpgradeInfo& info) override;

  // NIP-11 document for GET / with Accept: application/nostr+json.
  std::string information_document() const;
  // Prometheus families for connections, subscriptions, events and the write-policy decisions.
  void write_metrics(metrics::TextWriter& out) const;
  const RelayConfig& config() const { return config_; }
  store::EventStore& store() { return store_; }
  store::EventWriter& writer() { return writer_; }
  SubscriptionRegistry& subscriptions() { return subscriptions_; }
  InFlightEvents& in_flight() { return in_flight_; }
  RelayStats& stats() { return stats_; }
  // The write-policy pipeline in force; replaced whole on a configuration reload (SIGHUP).
  std::shared_ptr<processor::Pipeline> pipeline() const;
  // Starts the pipeline's stages that read the store (web of trust), then puts it in force.
  void set_pipeline(std::shared_ptr<processor::Pipeline> pipeline);
  // The limiter behind config().event_limits; null: no event rate limits. Set before the server starts.
  void set_rate_limiter(std::shared_ptr<cache::RateLimiter> limiter) { limiter_ = std::move(limiter); }
  cache::RateLimiter* rate_limiter() const { return limiter_.get(); }
  // Told of every event this relay got stored (after the commit, on the writer's thread): the services
  // of an all-in-one process follow events here instead of through a bus. Set before the server starts.
  using StoredListener = std::function<void(const nostr::Event&)>;
  void set_stored_listener(StoredListener listener) { stored_listener_ = std::move(listener); }
  const StoredListener& stored_listener() const { return stored_listener_; }
  // Where events the pipeline holds for moderators go (`pleb serve`): called on the connection's I/O
  // thread, it must not wait on a disk; `done` runs once, on any thread, with an empty string when the
  // event is kept (its author is told `OK true`), else the refusal with its NIP-01 prefix. Without a
  // sink a hold is refused with the stage's message. Set before the server starts.
  using HoldDone = std::function<void(std::string refusal)>;
  using HoldSink = std::function<void(const nostr::Event&, std::string_view reason, HoldDone done)>;
  void set_hold_sink(HoldSink sink) { hold_sink_ = std::move(sink); }
  const HoldSink& hold_sink() const { return hold_sink_; }
  // Writes an event that skipped the pipeline (a moderator approved it) exactly as an accepted EVENT
  // is written: stored durably, published to live subscriptions, told to the stored listener. `done`
  // runs once, on the writer's thread, with the OK's outcome and message.
  using AdmitDone = std::function<void(bool ok, std::string message)>;
  void admit(nostr::Event event, AdmitDone done);
  // Tells the stages that learn from stored events about one; nearly free when none does.
  void note_stored(const nostr::Event& event) {
    if (pipeline_observes_.load(std::memory_order_relaxed)) pipeline()->stored(event);
  }

 private:
  RelayConfig config_;
  store::EventStore& store_;
  store::EventWriter& writer_;
  SubscriptionRegistry subscriptions_;
  InFlightEvents in_flight_;
  RelayStats stats_;
  mutable std::mutex pipeline_mutex_;
  std::shared_ptr<processor::Pipeline> pipeline_ = std::make_shared<processor::Pipeline>();
  std::shared_ptr<cache::RateLimiter> limiter_;
  StoredListener stored_listener_;
  HoldSink hold_sink_;
  std::atomic<bool> pipeline_observes_{false};
};

// Seconds since the epoch; one place so tests and the relay agree.
std::int64_t unix_now();

}  // namespace pleb::relay
