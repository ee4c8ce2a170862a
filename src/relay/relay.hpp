#pragma once
// The relay: NIP-01 sessions on top of an EventStore, with group-committed writes and live fan-out.
// An EVENT is parsed and verified on the connection's I/O thread, stored by the BatchWriter's thread,
// acknowledged after the commit, then published to every matching subscription.
#include <atomic>
#include <memory>
#include <mutex>

#include "http/server.hpp"
#include "processor/write_policy.hpp"
#include "relay/config.hpp"
#include "relay/subscriptions.hpp"
#include "store/batch_writer.hpp"
#include "store/event_store.hpp"

namespace pleb::relay {

struct RelayStats {
  std::atomic<std::uint64_t> events_received{0};
  std::atomic<std::uint64_t> events_stored{0};
  std::atomic<std::uint64_t> events_rejected{0};
  std::atomic<std::uint64_t> active_connections{0};
  std::atomic<std::uint64_t> queries{0};
};

class Relay : public http::WebSocketHandler, public std::enable_shared_from_this<Relay> {
 public:
  Relay(RelayConfig config, store::EventStore& store, store::BatchWriter& writer);

  std::shared_ptr<http::MessageSink> on_open(std::shared_ptr<http::WebSocketConnection> connection,
                                             const http::UpgradeInfo& info) override;

  // NIP-11 document for GET / with Accept: application/nostr+json.
  std::string information_document() const;
  const RelayConfig& config() const { return config_; }
  store::EventStore& store() { return store_; }
  store::BatchWriter& writer() { return writer_; }
  SubscriptionRegistry& subscriptions() { return subscriptions_; }
  RelayStats& stats() { return stats_; }
  // The write-policy pipeline in force; replaced whole on a configuration reload (SIGHUP).
  std::shared_ptr<processor::Pipeline> pipeline() const;
  // Starts the pipeline's stages that read the store (web of trust), then puts it in force.
  void set_pipeline(std::shared_ptr<processor::Pipeline> pipeline);
  // Tells the stages that learn from stored events about one; nearly free when none does.
  void note_stored(const nostr::Event& event) {
    if (pipeline_observes_.load(std::memory_order_relaxed)) pipeline()->stored(event);
  }

 private:
  RelayConfig config_;
  store::EventStore& store_;
  store::BatchWriter& writer_;
  SubscriptionRegistry subscriptions_;
  RelayStats stats_;
  mutable std::mutex pipeline_mutex_;
  std::shared_ptr<processor::Pipeline> pipeline_ = std::make_shared<processor::Pipeline>();
  std::atomic<bool> pipeline_observes_{false};
};

// Seconds since the epoch; one place so tests and the relay agree.
std::int64_t unix_now();

}  // namespace pleb::relay
