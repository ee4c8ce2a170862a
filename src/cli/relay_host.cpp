// The relay process around a store and a writer: HTTP routes, signals and the order of shutdown.
#include "cli/relay_host.hpp"

#include <iostream>
#include <memory>

#include "cache/memory/memory_rate_limiter.hpp"
#include "cli/commands.hpp"
#include "relay/relay.hpp"

namespace pleb::cli {
namespace {

http::HttpResponse json_response(unsigned status, std::string body, std::string type = "application/json") {
  http::HttpResponse response{status, std::move(type), std::move(body), {}};
  response.headers["Access-Control-Allow-Origin"] = "*";
  return response;
}

http::HttpResponse problem(unsigned status, std::string_view title, std::string_view detail) {
  auto response = http::problem_response(status, title, detail);
  response.headers["Access-Control-Allow-Origin"] = "*";
  return response;
}

http::HttpHandler make_http_handler(relay::Relay& relay, const RelayHost& host) {
  return [&relay, &host](const http::HttpRequest& request) {
    if (host.extra_routes) {
      if (auto response = host.extra_routes(request)) return std::move(*response);
    }
    std::string path = request.target.substr(0, request.target.find('?'));
    if (request.method == "OPTIONS") {
      auto response = json_response(204, "");
      response.headers["Access-Control-Allow-Headers"] = "*";
      response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS";
      return response;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return problem(405, "Method Not Allowed", "only GET and HEAD are served here");
    }
    if (path == "/health") return json_response(200, "{\"status\":\"ok\"}");
    if (path == "/metrics") {
      metrics::TextWriter out;
      relay.write_metrics(out);
      if (host.extra_metrics) host.extra_metrics(out);
      return http::HttpResponse{200, std::string(metrics::kContentType), out.take(), {}};
    }
    if (path == "/ready") {
      if (relay.store().writable()) return json_response(200, "{\"status\":\"ready\"}");
      return problem(503, "Service Unavailable", "the event store is not writable");
    }
    if (path == "/") {
      if (request.header("accept").find("application/nostr+json") != std::string::npos) {
        return json_response(200, relay.information_document(), "application/nostr+json");
      }
      return json_response(200, "Pleb.One relay: connect with a Nostr client over WebSocket.\n",
                           "text/plain; charset=utf-8");
    }
    return problem(404, "Not Found", "no such resource");
  };
}

}  // namespace

void run_relay_host(ServeConfig& config, const std::string& config_path, store::EventStore& store,
                    store::EventWriter& writer, const RelayHost& host) {
  config.relay.max_message_bytes = config.server.max_message_bytes;
  config.relay.max_outgoing_bytes = config.server.max_outgoing_bytes;
  config.relay.min_pow_difficulty = config.policy.min_pow_difficulty;
  if (host.complete_policy) host.complete_policy(config.policy);
  if (config.policy.nip05_required && !config.policy.nip05_lookup) {
    throw UsageError("config: [policy] nip05_required needs the user service, which runs in pleb serve");
  }
  auto relay = std::make_shared<relay::Relay>(config.relay, store, writer);
  relay->set_pipeline(processor::build_pipeline(config.policy));
  relay->set_rate_limiter(host.event_limiter ? host.event_limiter
                                             : std::make_shared<cache::MemoryRateLimiter>());
  if (host.on_stored) relay->set_stored_listener(host.on_stored);
  if (host.on_relay) host.on_relay(*relay);
  http::Server server(config.server, make_http_handler(*relay, host), relay);
  std::uint16_t port = server.listen();
  server.on_signal([&] {
    std::cerr << "pleb: shutting down\n";
    if (host.on_stop) host.on_stop();
    writer.stop();  // commit and acknowledge what was received, then close the connections
    server.stop();
  });
  server.on_reload([&relay, &host, path = config_path] {
    if (path.empty()) return;
    try {
      ServeConfig reloaded;
      load_config_file(path, reloaded);
      if (host.complete_policy) host.complete_policy(reloaded.policy);
      relay->set_pipeline(processor::build_pipeline(reloaded.policy));
      std::cerr << "pleb: write policy reloaded from " << path << "\n";
    } catch (const std::exception& e) {
      std::cerr << "pleb: reload failed, the previous write policy stays in force: " << e.what() << "\n";
    }
  });
  std::cerr << "pleb: relay listening on ws://" << config.server.host << ":" << port << " ("
            << host.storage_description << ")\n";
  server.run();
  writer.stop();
  std::cerr << "pleb: stopped\n";
}

}  // namespace pleb::cli
