// What the relay reports at /metrics. Counters are read from RelayStats' atomics at scrape time.
#include <string>

#include "processor/decision_metrics.hpp"
#include "relay/relay.hpp"

namespace pleb::relay {

const std::array<std::string_view, 9> kRejectionPrefixes = {"invalid",       "duplicate",    "pow",
                                                            "blocked",       "rate-limited", "restricted",
                                                            "auth-required", "error",        "other"};

void RelayStats::count_rejection(std::string_view ok_message) {
  auto colon = ok_message.find(':');
  std::string_view prefix =
      colon == std::string_view::npos ? std::string_view() : ok_message.substr(0, colon);
  std::size_t index = kRejectionPrefixes.size() - 1;
  for (std::size_t i = 0; i + 1 < kRejectionPrefixes.size(); ++i) {
    if (kRejectionPrefixes[i] == prefix) index = i;
  }
  rejected_by_prefix[index].fetch_add(1, std::memory_order_relaxed);
  events_rejected.fetch_add(1, std::memory_order_relaxed);
}

void Relay::write_metrics(metrics::TextWriter& out) const {
  auto load = [](const std::atomic<std::uint64_t>& value) { return value.load(std::memory_order_relaxed); };
  out.family("nostr_active_connections", "Open WebSocket connections.", "gauge");
  out.sample("nostr_active_connections", load(stats_.active_connections));
  out.family("nostr_active_subscriptions", "Live subscriptions (after EOSE) across all connections.",
             "gauge");
  out.sample("nostr_active_subscriptions", static_cast<std::uint64_t>(subscriptions_.size()));
  out.family("nostr_slow_reader_disconnects_total",
             "Connections closed because the client read too slowly for what it subscribed to.", "counter");
  out.sample("nostr_slow_reader_disconnects_total", load(stats_.slow_reader_disconnects));
  out.family("nostr_queries_total", "REQ subscriptions started.", "counter");
  out.sample("nostr_queries_total", load(stats_.queries));
  out.family("nostr_count_requests_total", "NIP-45 COUNT requests answered.", "counter");
  out.sample("nostr_count_requests_total", load(stats_.counts));
  out.family("nostr_events_received_total", "EVENT messages that parsed as events.", "counter");
  out.sample("nostr_events_received_total", load(stats_.events_received));

  out.family("nostr_events_processed_total", "EVENTs answered, by outcome (and prefix when rejected).",
             "counter");
  out.sample("nostr_events_processed_total", load(stats_.events_stored), {{"result", "stored"}});
  out.sample("nostr_events_processed_total", load(stats_.events_ephemeral), {{"result", "ephemeral"}});
  out.sample("nostr_events_processed_total", load(stats_.events_shadow_rejected),
             {{"result", "shadow_rejected"}});
  out.sample("nostr_events_processed_total", load(stats_.events_held), {{"result", "held"}});
  for (std::size_t i = 0; i < kRejectionPrefixes.size(); ++i) {
    out.sample("nostr_events_processed_total", load(stats_.rejected_by_prefix[i]),
               {{"result", "rejected"}, {"reason", kRejectionPrefixes[i]}});
  }
  stats_.event_duration.write(out, "nostr_event_processing_duration_seconds",
                              "Time from an EVENT's arrival to its OK, in seconds.");

  // Decisions of the write-policy pipeline in force (counted since the last reload).
  processor::write_decision_metrics(*pipeline(), out);
}

}  // namespace pleb::relay
