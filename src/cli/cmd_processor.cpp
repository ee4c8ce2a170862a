// `pleb processor`: the ingestion pipeline of a scaled-out community. Takes events from the bus as one
// member of the "processors" queue group, checks them, batch-writes them to PostgreSQL and announces
// what it stored. Serves /health, /ready and /metrics for its probes.
#include <iostream>

#include "bus/nats/nats_bus.hpp"
#include "cache/memory/memory_event_cache.hpp"
#include "cli/commands.hpp"
#include "cli/followed_policy_state.hpp"
#include "cli/scale_out_flags.hpp"
#include "cli/serve_config.hpp"
#include "cli/service_state.hpp"
#include "cli/writer_metrics.hpp"
#include "http/server.hpp"
#include "metrics/exposition.hpp"
#include "processor/decision_metrics.hpp"
#include "processor/ingest/ingest_service.hpp"
#include "processor/latest_event_lookup.hpp"
#include "processor/policy_config.hpp"
#include "store/batch_writer.hpp"
#include "store/postgres/postgres_store.hpp"

namespace pleb::cli {
namespace {

struct ProcessorFlags {
  std::string listen = "127.0.0.1:7778";
  std::string config;
  EngineUrls urls;
  std::size_t batch_size = 1000;
  // Zero: a batch is what arrived while the previous commit ran (group commit), which already makes
  // batches of hundreds under load; a fixed wait only delayed every event at low rates (cross-relay
  // delivery p50 11 ms with 5 ms, 4 ms with 0, same ingest rate: docs/BENCHMARKS.md).
  int batch_timeout_ms = 0;
  int ack_wait_ms = 30000;
  FollowedPolicyFlags followed;
};

void write_processor_metrics(const processor::IngestStats& stats, const store::BatchWriter& writer,
                             const processor::Pipeline& pipeline, metrics::TextWriter& out) {
  auto load = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  out.family("nostr_events_processed_total", "Events the processor answered, by outcome.", "counter");
  out.sample("nostr_events_processed_total", load(stats.stored), {{"result", "stored"}});
  out.sample("nostr_events_processed_total", load(stats.rejected), {{"result", "rejected"}});
  out.sample("nostr_events_processed_total", load(stats.storage_errors), {{"result", "storage_error"}});
  out.family("pleb_processor_received_total", "Messages taken from event.received.", "counter");
  out.sample("pleb_processor_received_total", load(stats.received));
  out.family("pleb_processor_redelivered_total", "Messages that came again after a missing acknowledgement.",
             "counter");
  out.sample("pleb_processor_redelivered_total", load(stats.redelivered));
  out.family("pleb_processor_cache_duplicates_total",
             "Resent events answered duplicate: from the id cache, without the database.", "counter");
  out.sample("pleb_processor_cache_duplicates_total", load(stats.duplicates_from_cache));
  write_writer_metrics(writer, out);
  processor::write_decision_metrics(pipeline, out);
}

// Ids this processor stored, in its memory only. Redis (the shared level) is left out on purpose: a
// round trip per event on the bus thread and another on the writer thread would cost more than the
// duplicate check it saves, which the store makes inside the batch's transaction anyway.
std::shared_ptr<cache::EventCache> make_id_cache() {
  cache::MemoryEventCacheOptions memory;
  memory.max_bytes = 64 << 20;
  // Another processor's deletion never reaches this cache: bound how long a deleted id may still be
  // answered `duplicate:` rather than `blocked:`. Both refuse the event.
  memory.ttl = std::chrono::minutes(10);
  return std::make_shared<cache::MemoryEventCache>(memory);
}

void run_processor(ProcessorFlags& flags) {
  resolve_engine_urls(flags.urls, false);
  ServeConfig config;
  if (!flags.config.empty()) load_config_file(flags.config, config);
  parse_listen(flags.listen, config.server);

  store::PostgresOptions store_options;
  // Readiness checks and the web of trust's follow lists (rare); writes have their own connection.
  store_options.query_connections = 1;
  auto store = store::open_postgres_store(flags.urls.store, store_options);

  bus::NatsBusOptions bus_options;
  bus_options.url = flags.urls.bus;
  bus_options.name = "pleb-processor";
  bus_options.send_asap = true;  // relays wait on every verdict
  bus_options.fetch_batch = static_cast<int>(std::max<std::size_t>(flags.batch_size, 64));
  bus_options.ack_wait = std::chrono::milliseconds(flags.ack_wait_ms);
  auto bus = bus::NatsBus::connect(bus_options);
  if (!bus) throw UsageError("cannot reach the bus at " + flags.urls.bus + ": " + bus.error());

  store::BatchWriterOptions writer_options;
  writer_options.max_batch = flags.batch_size;
  writer_options.linger = std::chrono::milliseconds(flags.batch_timeout_ms);
  store::BatchWriter writer(*store, writer_options);

  std::mutex pipeline_mutex;
  if (config.policy.nip05_required) {
    throw UsageError("config: [policy] nip05_required needs the user service, which runs in pleb serve");
  }
  auto takedowns = std::make_shared<TakedownStats>();
  FollowedPolicyState followed(
      flags.followed, config.api, flags.urls.store, **bus,
      [&writer, takedowns](Takedown takedown) { take_down(writer, std::move(takedown), takedowns); });
  auto complete_policy = [&followed](processor::PolicyConfig& policy) { followed.complete(policy); };
  complete_policy(config.policy);
  // The web of trust reads follow lists from the store, at start and whenever its members change.
  auto start_pipeline = [&store](std::shared_ptr<processor::Pipeline> built) {
    built->start(processor::latest_event_lookup(*store));
    return built;
  };
  auto pipeline = start_pipeline(processor::build_pipeline(config.policy));
  auto current_pipeline = [&] {
    std::lock_guard lock(pipeline_mutex);
    return pipeline;
  };
  processor::IngestOptions ingest_options;
  ingest_options.seen = make_id_cache();
  ingest_options.bans = config.policy.live_bans;
  processor::IngestService ingest(**bus, writer, current_pipeline, ingest_options);

  http::Server server(
      config.server,
      [&](const http::HttpRequest& request) {
        std::string path = request.target.substr(0, request.target.find('?'));
        if (path == "/health") return http::HttpResponse{200, "application/json", "{\"status\":\"ok\"}", {}};
        if (path == "/ready") {
          if ((*bus)->connected() && store->writable())
            return http::HttpResponse{200, "application/json", "{\"status\":\"ready\"}", {}};
          return http::problem_response(503, "Service Unavailable", "the bus or the store is unreachable");
        }
        if (path == "/metrics") {
          metrics::TextWriter out;
          write_processor_metrics(ingest.stats(), writer, *current_pipeline(), out);
          followed.write_metrics(out);
          write_takedown_metrics(*takedowns, out);
          return http::HttpResponse{200, std::string(metrics::kContentType), out.take(), {}};
        }
        return http::problem_response(404, "Not Found", "no such resource");
      },
      nullptr);
  std::uint16_t port = server.listen();
  if (auto started = ingest.start(); !started)
    throw UsageError("cannot join the processors: " + started.error());
  server.on_signal([&] {
    std::cerr << "pleb: processor shutting down\n";
    ingest.stop();
    writer.stop();  // what was taken is written and answered; the rest stays on the bus
    server.stop();
  });
  server.on_reload([&, path = flags.config] {
    if (path.empty()) return;
    try {
      ServeConfig reloaded;
      load_config_file(path, reloaded);
      complete_policy(reloaded.policy);
      auto rebuilt = start_pipeline(processor::build_pipeline(reloaded.policy));
      std::lock_guard lock(pipeline_mutex);
      pipeline = std::move(rebuilt);
      std::cerr << "pleb: write policy reloaded from " << path << "\n";
    } catch (const std::exception& e) {
      std::cerr << "pleb: reload failed, the previous write policy stays in force: " << e.what() << "\n";
    }
  });
  std::cerr << "pleb: processor listening on http://" << config.server.host << ":" << port << " (store "
            << flags.urls.store << ", bus " << flags.urls.bus << ")\n";
  server.run();
  ingest.stop();
  writer.stop();
  std::cerr << "pleb: stopped\n";
}

}  // namespace

void register_processor_command(CLI::App& app) {
  auto flags = std::make_shared<ProcessorFlags>();
  auto* command = app.add_subcommand(
      "processor", "Run the ingestion pipeline of a scaled-out community (NATS in, PostgreSQL out)");
  command->add_option("--listen", flags->listen,
                      "HOST:PORT for /health, /ready and /metrics (default 127.0.0.1:7778)");
  command->add_option("--config", flags->config, "pleb.toml configuration file ([policy])")
      ->check(CLI::ExistingFile);
  add_engine_options(*command, flags->urls, false);
  command
      ->add_option("--batch-size", flags->batch_size,
                   "events per PostgreSQL transaction at most (default 1000)")
      ->check(CLI::Range(1, 100000));
  command
      ->add_option(
          "--batch-timeout-ms", flags->batch_timeout_ms,
          "how long a batch may wait to fill up (default 0: only what arrived during the previous commit)")
      ->check(CLI::Range(0, 10000));
  command
      ->add_option("--ack-wait-ms", flags->ack_wait_ms,
                   "how long an event taken from the bus may stay unanswered before it is delivered again "
                   "(default 30000; applies when the processors' consumer is created)")
      ->check(CLI::Range(100, 3600000));
  add_followed_policy_options(*command, flags->followed);
  command->callback([flags] { run_processor(*flags); });
}

}  // namespace pleb::cli
