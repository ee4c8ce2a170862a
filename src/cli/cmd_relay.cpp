// `pleb relay`: one relay process of a scaled-out community. Queries go to the shared PostgreSQL store;
// events go to the processors over the bus and their verdicts come back as OK; live events from every
// relay arrive on `event.validated`.
#include <iostream>

#include "bus/nats/nats_bus.hpp"
#include "cache/redis/redis_rate_limiter.hpp"
#include "cli/commands.hpp"
#include "cli/followed_policy_state.hpp"
#include "cli/relay_host.hpp"
#include "cli/scale_out_flags.hpp"
#include "cli/serve_config.hpp"
#include "relay/bus_bridge.hpp"
#include "relay/relay.hpp"
#include "store/postgres/postgres_store.hpp"

namespace pleb::cli {
namespace {

struct RelayFlags {
  std::string listen;
  std::string config;
  EngineUrls urls;
  int verdict_timeout_ms = 5000;
  std::size_t store_connections = 4;
  FollowedPolicyFlags followed;
};

void run_relay(RelayFlags& flags) {
  resolve_engine_urls(flags.urls, false);
  ServeConfig config;
  if (!flags.config.empty()) load_config_file(flags.config, config);
  if (!flags.listen.empty()) parse_listen(flags.listen, config.server);

  store::PostgresOptions store_options;
  store_options.query_connections = flags.store_connections;
  store_options.max_limit = config.relay.limits.max_limit;
  auto store = store::open_postgres_store(flags.urls.store, store_options);

  bus::NatsBusOptions bus_options;
  bus_options.url = flags.urls.bus;
  bus_options.name = "pleb-relay";
  // Each EVENT waits on its verdict: latency matters more than batching here.
  bus_options.send_asap = true;
  auto bus = bus::NatsBus::connect(bus_options);
  if (!bus) throw UsageError("cannot reach the bus at " + flags.urls.bus + ": " + bus.error());

  // The same live bans and members as the processors: refused here already, and a member who joined is
  // not refused by this relay's own [policy] before the processor sees the event.
  FollowedPolicyState followed(flags.followed, config.api, flags.urls.store, **bus);
  RelayHost host;
  host.complete_policy = [&followed](processor::PolicyConfig& policy) { followed.complete(policy); };
  if (!flags.urls.cache.empty()) {
    // Event rate limits shared by every relay of the community.
    cache::RedisClientOptions redis;
    redis.url = flags.urls.cache;
    cache::RedisRateLimiterOptions limiter;
    limiter.key_prefix = "pleb:rl:events:";
    host.event_limiter =
        std::make_shared<cache::RedisRateLimiter>(std::make_shared<cache::RedisClient>(redis), limiter);
  }
  relay::BusEventWriter writer(**bus, std::chrono::milliseconds(flags.verdict_timeout_ms));
  std::unique_ptr<relay::LiveFeed> feed;
  host.storage_description = "store " + flags.urls.store + ", bus " + flags.urls.bus;
  host.on_relay = [&](relay::Relay& relay) {
    feed = std::make_unique<relay::LiveFeed>(**bus, relay.subscriptions());
    if (auto started = feed->start(); !started)
      throw UsageError("cannot subscribe to the bus: " + started.error());
  };
  host.extra_metrics = [&feed, &followed](metrics::TextWriter& out) {
    out.family("pleb_live_feed_events_total", "Events received from event.validated and fanned out.",
               "counter");
    out.sample("pleb_live_feed_events_total", feed ? feed->delivered() : 0);
    followed.write_metrics(out);
  };
  host.on_stop = [&feed] {
    if (feed) feed->stop();
  };
  run_relay_host(config, flags.config, *store, writer, host);
}

}  // namespace

void register_relay_command(CLI::App& app) {
  auto flags = std::make_shared<RelayFlags>();
  auto* command = app.add_subcommand(
      "relay", "Run one relay process of a scaled-out community (PostgreSQL store, NATS bus)");
  command->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:7777)");
  command->add_option("--config", flags->config, "pleb.toml configuration file")->check(CLI::ExistingFile);
  add_engine_options(*command, flags->urls, true);
  command->add_option("--verdict-timeout-ms", flags->verdict_timeout_ms,
                      "how long an EVENT waits for the processor's verdict before `error:` (default 5000)");
  command->add_option("--store-connections", flags->store_connections,
                      "PostgreSQL connections for queries (default 4), whatever the number of clients");
  add_followed_policy_options(*command, flags->followed);
  command->callback([flags] { run_relay(*flags); });
}

}  // namespace pleb::cli
