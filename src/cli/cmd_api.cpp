// `pleb api`: the REST API and the services of a scaled-out community, stateless: accounts and names in
// PostgreSQL, rate-limit counters and used NIP-98 ids in Redis (so any API process may take any
// request), profiles following `event.validated`, new accounts announced on `user.registered`, and bans and
// membership changes on `moderation.action` and `user.membership` for the processors' write policy.
#include <iostream>

#include "bus/nats/nats_bus.hpp"
#include "cache/redis/redis_rate_limiter.hpp"
#include "cache/redis/redis_replay_memory.hpp"
#include "cli/api_stack.hpp"
#include "cli/commands.hpp"
#include "cli/scale_out_flags.hpp"
#include "cli/serve_config.hpp"
#include "cli/service_state.hpp"
#include "http/server.hpp"
#include "nostr/bytes.hpp"
#include "nostr/event_parse.hpp"

namespace pleb::cli {
namespace {

struct ApiFlags {
  std::string listen = "127.0.0.1:7780";
  std::string config;
  EngineUrls urls;
};

void run_api(ApiFlags& flags) {
  resolve_engine_urls(flags.urls, true);
  ServeConfig config;
  if (!flags.config.empty()) load_config_file(flags.config, config);
  parse_listen(flags.listen, config.server);
  config.api.database = flags.urls.store;

  bus::NatsBusOptions bus_options;
  bus_options.url = flags.urls.bus;
  bus_options.name = "pleb-api";
  auto bus = bus::NatsBus::connect(bus_options);
  if (!bus) throw UsageError("cannot reach the bus at " + flags.urls.bus + ": " + bus.error());

  cache::RedisClientOptions redis_options;
  redis_options.url = flags.urls.cache;
  auto redis = std::make_shared<cache::RedisClient>(redis_options);
  cache::RedisRateLimiterOptions limiter_options;
  limiter_options.key_prefix = "pleb:rl:api:";

  ApiBackends backends;
  backends.limiter = std::make_shared<cache::RedisRateLimiter>(redis, limiter_options);
  backends.replay = std::make_shared<cache::RedisReplayMemory>(redis);
  backends.on_registered = [&bus](const nostr::Bytes32& pubkey) {
    (void)(*bus)->publish(bus::subjects::user_registered, bus::Message{nostr::to_hex(pubkey)});
  };
  // Every processor applies bans and membership changes at once; it also re-reads them from the database,
  // so a message lost while NATS was away is made up for.
  backends.on_ban_change = [&bus](const moderation::BanChange& change) {
    if (auto published = (*bus)->publish(bus::subjects::moderation_action, ban_change_message(change));
        !published) {
      std::cerr << "pleb: could not publish a ban change (processors pick it up when they re-read the bans): "
                << published.error() << "\n";
    }
  };
  backends.on_membership = [&bus](const nostr::Bytes32& pubkey, bool member) {
    if (auto published = (*bus)->publish(bus::subjects::user_membership, membership_message(pubkey, member));
        !published) {
      std::cerr << "pleb: could not publish a membership change (processors pick it up when they re-read the "
                   "members): "
                << published.error() << "\n";
    }
  };
  ApiStack api(config.api, config.data_dir, std::move(backends));

  // Profiles follow their authors' kind-0 events, whichever relay they arrived on.
  auto profiles = (*bus)->subscribe(bus::subjects::event_validated, [&api](const bus::Delivery& delivery) {
    auto event = nostr::parse_event(delivery.message().payload);
    if (event && event->kind == 0) api.on_stored_event(*event);
  });
  if (!profiles) throw UsageError("cannot subscribe to the bus: " + profiles.error());

  http::Server server(
      config.server,
      [&](const http::HttpRequest& request) {
        if (auto response = api.handle(request)) return std::move(*response);
        std::string path = request.target.substr(0, request.target.find('?'));
        if (path == "/health") return http::HttpResponse{200, "application/json", "{\"status\":\"ok\"}", {}};
        if (path == "/ready") {
          if ((*bus)->connected())
            return http::HttpResponse{200, "application/json", "{\"status\":\"ready\"}", {}};
          return http::problem_response(503, "Service Unavailable", "the bus is unreachable");
        }
        return http::problem_response(404, "Not Found", "no such resource");
      },
      nullptr);
  std::uint16_t port = server.listen();
  server.on_signal([&] {
    std::cerr << "pleb: api shutting down\n";
    server.stop();
  });
  std::cerr << "pleb: api listening on http://" << config.server.host << ":" << port << " (store "
            << flags.urls.store << ", cache " << flags.urls.cache << ", bus " << flags.urls.bus << ")\n";
  server.run();
  profiles->unsubscribe();
  std::cerr << "pleb: stopped\n";
}

}  // namespace

void register_api_command(CLI::App& app) {
  auto flags = std::make_shared<ApiFlags>();
  auto* command = app.add_subcommand(
      "api", "Run the REST API and the services of a scaled-out community (PostgreSQL, Redis, NATS)");
  command->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:7780)");
  command->add_option("--config", flags->config, "pleb.toml configuration file ([api])")
      ->check(CLI::ExistingFile);
  add_engine_options(*command, flags->urls, true);
  command->callback([flags] { run_api(*flags); });
}

}  // namespace pleb::cli
