// `pleb serve`: the all-in-one process. Wires the embedded LMDB store, the group-commit writer, the relay
// and the HTTP server together; nothing here knows the protocol.
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/serve_config.hpp"
#include "metrics/exposition.hpp"
#include "relay/relay.hpp"
#include "store/batch_writer.hpp"
#include "store/lmdb/lmdb_store.hpp"

namespace pleb::cli {
namespace {

struct ServeFlags {
  std::string listen;
  std::string data;
  std::string config;
};

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

// The group-commit writer's counters, for /metrics.
void write_writer_metrics(const store::BatchWriter& writer, metrics::TextWriter& out) {
  auto stats = writer.stats();
  out.family("pleb_writer_batches_total", "Group-committed write transactions.", "counter");
  out.sample("pleb_writer_batches_total", stats.batches);
  out.family("pleb_writer_events_total", "Events written through group commit.", "counter");
  out.sample("pleb_writer_events_total", stats.events);
  out.family("pleb_writer_refused_total", "Events refused because the write queue was full or stopping.",
             "counter");
  out.sample("pleb_writer_refused_total", stats.refused);
  out.family("pleb_writer_largest_batch", "Largest batch committed in one transaction.", "gauge");
  out.sample("pleb_writer_largest_batch", static_cast<std::uint64_t>(stats.largest_batch));
}

http::HttpHandler make_http_handler(relay::Relay& relay, const store::BatchWriter& writer) {
  return [&relay, &writer](const http::HttpRequest& request) {
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
      write_writer_metrics(writer, out);
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

// NIP-40: expired events are removed once a minute (they are already hidden from queries).
class ExpirySweeper {
 public:
  explicit ExpirySweeper(store::EventStore& store)
      : thread_([this, &store] {
          std::unique_lock lock(mutex_);
          while (!stop_) {
            lock.unlock();
            store.purge_expired(relay::unix_now());
            lock.lock();
            wake_.wait_for(lock, std::chrono::seconds(60), [this] { return stop_; });
          }
        }) {}
  ~ExpirySweeper() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

void serve(const ServeFlags& flags) {
  ServeConfig config;
  if (!flags.config.empty()) load_config_file(flags.config, config);
  if (!flags.listen.empty()) parse_listen(flags.listen, config.server);
  if (!flags.data.empty()) config.data_dir = flags.data;
  config.relay.max_message_bytes = config.server.max_message_bytes;
  config.relay.max_outgoing_bytes = config.server.max_outgoing_bytes;

  store::LmdbOptions store_options;
  store_options.directory = std::filesystem::path(config.data_dir) / "events";
  store_options.map_size = config.map_size_gib << 30;
  store_options.sync = config.sync;
  store_options.max_limit = config.relay.limits.max_limit;
  auto store = store::open_lmdb_store(store_options);
  store::BatchWriter writer(*store);
  config.relay.min_pow_difficulty = config.policy.min_pow_difficulty;
  auto relay = std::make_shared<relay::Relay>(config.relay, *store, writer);
  relay->set_pipeline(processor::build_pipeline(config.policy));
  http::Server server(config.server, make_http_handler(*relay, writer), relay);
  std::uint16_t port = server.listen();
  ExpirySweeper sweeper(*store);
  server.on_signal([&] {
    std::cerr << "pleb: shutting down\n";
    writer.stop();  // commit and acknowledge what was received, then close the connections
    server.stop();
  });
  server.on_reload([&relay, path = flags.config] {
    if (path.empty()) return;
    try {
      ServeConfig reloaded;
      load_config_file(path, reloaded);
      relay->set_pipeline(processor::build_pipeline(reloaded.policy));
      std::cerr << "pleb: write policy reloaded from " << path << "\n";
    } catch (const std::exception& e) {
      std::cerr << "pleb: reload failed, the previous write policy stays in force: " << e.what() << "\n";
    }
  });
  std::cerr << "pleb: relay listening on ws://" << config.server.host << ":" << port << " (data in "
            << config.data_dir << ")\n";
  server.run();
  writer.stop();
  std::cerr << "pleb: stopped\n";
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  auto* serve_command =
      app.add_subcommand("serve", "Run the relay and the platform on one port with embedded storage");
  serve_command->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:7777)");
  serve_command->add_option("--data", flags->data, "data directory (default ./data)");
  serve_command->add_option("--config", flags->config, "pleb.toml configuration file")
      ->check(CLI::ExistingFile);
  serve_command->callback([flags] { serve(*flags); });
}

}  // namespace pleb::cli
