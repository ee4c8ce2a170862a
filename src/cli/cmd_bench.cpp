// `pleb bench`: load scenarios against a relay on this machine (bench/load), and the data they need.
// Wiring only: every option maps onto a field of the scenario's options.
#include "cli/commands.hpp"
#include "load/scenarios.hpp"

namespace pleb::cli {
namespace {

using load::FanoutOptions;
using load::GenerateOptions;
using load::IdleOptions;
using load::IngestOptions;
using load::QueryOptions;
using load::VerifyBaselineOptions;

constexpr const char* kUrlHelp = "relay URL; only loopback addresses (127.0.0.0/8, ::1, localhost)";

// Wraps the scenario so bad option values come out as usage errors (exit 1 with the reason).
template <typename Options, typename Run>
void on_run(CLI::App* command, std::shared_ptr<Options> options, Run run) {
  command->callback([options, run] {
    try {
      run(*options);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  });
}

void add_generate(CLI::App& bench) {
  auto o = std::make_shared<GenerateOptions>();
  auto* c = bench.add_subcommand("generate",
                                 "Print pre-signed events as JSON lines, for `pleb import --no-verify`");
  c->add_option("--count", o->count, "events to generate")->capture_default_str();
  c->add_option("--authors", o->authors, "distinct authors (keys derived from --seed)")
      ->capture_default_str();
  c->add_option("--seed", o->seed, "seed for keys and content; give `query` the same")->capture_default_str();
  c->add_option("--now", o->now,
                "newest created_at (unix seconds; default: now), spread over the year before");
  c->add_option("--threads", o->threads, "signing threads (default: usable cores)");
  on_run(c, o, load::run_generate);
}

void add_verify_baseline(CLI::App& bench) {
  auto o = std::make_shared<VerifyBaselineOptions>();
  auto* c = bench.add_subcommand("verify-baseline",
                                 "Raw secp256k1_schnorrsig_verify per second on this core (keys pre-parsed)");
  c->add_option("--seconds", o->seconds, "how long to measure")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  on_run(c, o, load::run_verify_baseline);
}

void add_ingest(CLI::App& bench) {
  auto o = std::make_shared<IngestOptions>();
  auto* c = bench.add_subcommand(
      "ingest", "Publish pre-signed events over many connections; OK throughput and latency");
  c->add_option("--url", o->url, kUrlHelp)->capture_default_str();
  c->add_option("--connections", o->connections, "WebSocket connections")->capture_default_str();
  c->add_option("--window", o->window, "EVENTs awaiting OK per connection")->capture_default_str();
  c->add_option("--events", o->events, "events to publish (signed before timing)")->capture_default_str();
  c->add_option("--authors", o->authors, "distinct authors of those events")->capture_default_str();
  c->add_option("--kind", o->kind, "kind published (20000-29999: ephemeral, verified but not stored)")
      ->capture_default_str();
  c->add_option("--duration", o->duration, "stop sending after this many seconds")->capture_default_str();
  c->add_option("--baseline-seconds", o->baseline_seconds,
                "raw verification measured this long before and after the run, on the server's cores "
                "when --pid is given, and beside the run (0: skip)")
      ->capture_default_str();
  c->add_option("--pid", o->pid, "server pid, to report its CPU use and measure the baseline on its cores");
  c->add_flag("--compression", o->compression, "offer permessage-deflate");
  c->add_option("--threads", o->threads, "signing threads (default: usable cores)");
  on_run(c, o, load::run_ingest);
}

void add_query(CLI::App& bench) {
  auto o = std::make_shared<QueryOptions>();
  auto* c =
      bench.add_subcommand("query", "Closed-loop REQs against a store loaded from `generate`; EOSE latency");
  c->add_option("--url", o->url, kUrlHelp)->capture_default_str();
  c->add_option("--filter", o->filter, "author-kind, author, kinds, tag, window, feed or all")
      ->capture_default_str();
  c->add_option("--connections", o->connections, "concurrent connections, one REQ in flight each")
      ->capture_default_str();
  c->add_option("--queries", o->queries, "timed queries per filter")->capture_default_str();
  c->add_option("--warmup", o->warmup, "untimed queries first")->capture_default_str();
  c->add_option("--limit", o->limit, "limit of each filter")->capture_default_str();
  c->add_option("--authors", o->authors, "as given to `generate`")->capture_default_str();
  c->add_option("--follows", o->follows, "authors in each feed filter (kinds 1 and 6 of a follow list)")
      ->capture_default_str();
  c->add_option("--seed", o->seed, "as given to `generate`")->capture_default_str();
  c->add_option("--duration", o->duration, "at most this many seconds per filter")->capture_default_str();
  c->add_option("--pid", o->pid, "server pid, to report its CPU use");
  c->add_flag("--compression", o->compression, "offer permessage-deflate");
  on_run(c, o, load::run_query);
}

void add_fanout(CLI::App& bench) {
  auto o = std::make_shared<FanoutOptions>();
  auto* c = bench.add_subcommand("fanout", "One publisher, many subscribers; per-delivery latency");
  c->add_option("--url", o->url, kUrlHelp)->capture_default_str();
  c->add_option("--publish-url", o->publish_url,
                "relay the publisher connects to (default: --url); another relay of the community measures "
                "cross-relay delivery");
  c->add_option("--subscribers", o->subscribers, "subscriber connections, one REQ each")
      ->capture_default_str();
  c->add_option("--rate", o->rate, "events published per second")->capture_default_str();
  c->add_option("--duration", o->duration, "seconds of publishing")->capture_default_str();
  c->add_option("--drain", o->drain, "seconds to wait for the last deliveries")->capture_default_str();
  c->add_option("--kind", o->kind, "kind published (20000-29999: ephemeral, not stored)")
      ->capture_default_str();
  c->add_option("--pid", o->pid, "server pid, to report its CPU use");
  c->add_flag("--compression", o->compression, "offer permessage-deflate");
  on_run(c, o, load::run_fanout);
}

void add_idle(CLI::App& bench) {
  auto o = std::make_shared<IdleOptions>();
  auto* c =
      bench.add_subcommand("idle", "Open idle connections; server memory per connection from /proc/PID");
  c->add_option("--url", o->url, kUrlHelp)->capture_default_str();
  c->add_option("--connections", o->connections, "idle connections to open")->capture_default_str();
  c->add_option("--pid", o->pid, "server pid, for VmRSS before and after");
  c->add_option("--settle", o->settle, "seconds to wait before reading VmRSS")->capture_default_str();
  c->add_option("--timeout", o->timeout, "seconds allowed for opening them all")->capture_default_str();
  c->add_flag("--compression", o->compression, "offer permessage-deflate");
  on_run(c, o, load::run_idle);
}

}  // namespace

void register_bench_commands(CLI::App& app) {
  auto* bench =
      app.add_subcommand("bench", "Load scenarios against a relay on this machine; one JSON line each");
  bench->require_subcommand(1);
  add_generate(*bench);
  add_verify_baseline(*bench);
  add_ingest(*bench);
  add_query(*bench);
  add_fanout(*bench);
  add_idle(*bench);
}

}  // namespace pleb::cli
