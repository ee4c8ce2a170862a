#pragma once
// What every relay process shares, whatever its storage: the Relay on an HTTP/WebSocket server with
// /health, /ready, /metrics and NIP-11, the signals (SIGTERM/SIGINT stop, SIGHUP reloads the write
// policy) and the shutdown order. `pleb serve` and `pleb relay` differ only in the store and writer.
#include <functional>
#include <optional>
#include <string>

#include "cache/rate_limiter.hpp"
#include "cli/serve_config.hpp"
#include "http/server.hpp"
#include "metrics/exposition.hpp"
#include "store/event_store.hpp"
#include "store/event_writer.hpp"

namespace pleb::relay {
class Relay;
}

namespace pleb::cli {

struct RelayHost {
  // Other HTTP routes served on the same port (the API); nullopt: not theirs.
  std::function<std::optional<http::HttpResponse>(const http::HttpRequest&)> extra_routes;
  // More families for /metrics (the writer's, the bus's).
  std::function<void(metrics::TextWriter&)> extra_metrics;
  // Called once the relay exists, before the server starts (attach live feeds).
  std::function<void(relay::Relay&)> on_relay;
  // Called when a stop signal arrives, before connections close (flush writers).
  std::function<void()> on_stop;
  // The limiter behind [limits.events]; null: one in this process's memory.
  std::shared_ptr<cache::RateLimiter> event_limiter;
  // Completes [policy] with what only the process knows (the user service's members, its NIP-05 lookup)
  // before each pipeline is built: at start and at every reload.
  std::function<void(processor::PolicyConfig&)> complete_policy;
  // Told of every event stored through this relay (see Relay::set_stored_listener).
  std::function<void(const nostr::Event&)> on_stored;
  // How the startup line names the storage ("data in ./data", "store postgresql://...").
  std::string storage_description;
};

// Runs until SIGINT/SIGTERM. `config_path` is re-read on SIGHUP for the [policy] table.
void run_relay_host(ServeConfig& config, const std::string& config_path, store::EventStore& store,
                    store::EventWriter& writer, const RelayHost& host);

}  // namespace pleb::cli
