// `pleb serve`: the all-in-one process. Wires the embedded LMDB store, the group-commit writer, the relay
// and the HTTP server together; nothing here knows the protocol.
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/api_stack.hpp"
#include "cli/commands.hpp"
#include "cli/relay_host.hpp"
#include "cli/serve_config.hpp"
#include "cli/service_state.hpp"
#include "cli/writer_metrics.hpp"
#include "metrics/exposition.hpp"
#include "relay/relay.hpp"
#include "services/moderation/hold_worker.hpp"
#include "services/moderation/moderation_service.hpp"
#include "services/moderation/sweeper.hpp"
#include "store/batch_writer.hpp"
#include "store/lmdb/lmdb_store.hpp"

namespace pleb::cli {
namespace {

struct ServeFlags {
  std::string listen;
  std::string data;
  std::string config;
};

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

  store::LmdbOptions store_options;
  store_options.directory = std::filesystem::path(config.data_dir) / "events";
  store_options.map_size = config.map_size_gib << 30;
  store_options.sync = config.sync;
  store_options.id_run_entries = config.id_run_entries;
  store_options.max_limit = config.relay.limits.max_limit;
  auto store = store::open_lmdb_store(store_options);
  store::BatchWriterOptions writer_options;
  writer_options.backlog_batch = 256;
  writer_options.backlog_linger = std::chrono::milliseconds(500);
  // Two verifications' time per event of the previous batch: batches under a backlog then grow even
  // while the core verifies slower than its best (shared with the writer, or a busy host); at one
  // verification's time they stopped growing at ~2,000 events on this machine's slow moments and wrote
  // up to 70 % more per event (docs/BENCHMARKS.md, ninth session).
  writer_options.backlog_linger_per_event = std::chrono::microseconds(80);
  writer_options.linger_idle_gap = std::chrono::milliseconds(3);
  store::BatchWriter writer(*store, writer_options);
  ExpirySweeper sweeper(*store);
  ApiBackends backends;
  const auto& trust = config.policy.trust;
  // The moderation queue exists when the web of trust holds writes; a reload cannot add it later.
  if (trust && trust->hold) backends.max_held = trust->hold_max;
  // Bans and members change in this process's services and take effect on the next event, without a reload.
  auto live_bans = std::make_shared<processor::BanList>();
  auto live_members = std::make_shared<processor::MemberSet>();
  auto takedowns = std::make_shared<TakedownStats>();
  backends.on_ban_change = [live_bans, &writer, takedowns](const moderation::BanChange& change) {
    apply_ban_change(*live_bans, change);
    take_down(writer, takedown_for(change), takedowns);
  };
  backends.on_membership = [live_members](const nostr::Bytes32& pubkey, bool member) {
    apply_membership(*live_members, pubkey, member);
  };
  ApiStack api(config.api, config.data_dir, std::move(backends));
  auto bans = api.bans();
  live_bans->replace(ban_entries(bans));
  take_down(writer, takedown_for(bans), takedowns);  // a takedown that failed before the last stop
  live_members->replace(api.member_pubkeys());
  std::unique_ptr<moderation::AdmitSweeper> admit_sweeper;
  std::unique_ptr<moderation::HoldWorker> hold_worker;
  RelayHost host;
  if (auto* moderation = api.moderation()) {
    std::int64_t admit_after = trust->hold_admit_after_seconds;
    hold_worker = std::make_unique<moderation::HoldWorker>(*moderation);
    host.on_relay = [moderation, admit_after, &admit_sweeper,
                     worker = hold_worker.get()](relay::Relay& relay) {
      relay.set_hold_sink(
          [worker](const nostr::Event& event, std::string_view reason, relay::Relay::HoldDone done) {
            worker->hold(event, std::string(reason), std::move(done));
          });
      moderation->set_admitter([&relay](nostr::Event event, moderation::AdmitDone done) {
        relay.admit(std::move(event), std::move(done));
      });
      if (admit_after > 0)
        admit_sweeper = std::make_unique<moderation::AdmitSweeper>(*moderation, admit_after);
    };
    // Before the writer stops and the relay goes: nothing is admitted after.
    host.on_stop = [moderation, &admit_sweeper, worker = hold_worker.get()] {
      worker->stop();  // answers the holds that wait while their connections are still open
      if (admit_sweeper) admit_sweeper->stop();
      moderation->set_admitter({});
    };
  }
  host.extra_routes = [&api](const http::HttpRequest& request) { return api.handle(request); };
  host.complete_policy = [&api, live_bans, live_members](processor::PolicyConfig& policy) {
    policy.live_bans = live_bans;
    policy.live_members = live_members;
    policy.nip05_lookup = [&api](const nostr::Bytes32& pubkey) { return api.has_nip05_name(pubkey); };
  };
  host.on_stored = [&api](const nostr::Event& event) {
    if (event.kind == 0) api.on_stored_event(event);
  };
  host.extra_metrics = [&writer, live_bans, live_members, takedowns](metrics::TextWriter& out) {
    write_writer_metrics(writer, out);
    write_live_policy_metrics(*live_bans, *live_members, out);
    write_takedown_metrics(*takedowns, out);
  };
  host.storage_description = "data in " + config.data_dir;
  run_relay_host(config, flags.config, *store, writer, host);
  if (admit_sweeper) admit_sweeper->stop();
  if (auto* moderation = api.moderation()) moderation->set_admitter({});
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
