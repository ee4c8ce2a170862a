// `pleb import` and `pleb export`: JSON lines in and out of the embedded store (strfry's export format
// is JSON lines too). Run them while the relay is stopped, or on a copy of the data folder.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "nostr/event_parse.hpp"
#include "nostr/kinds.hpp"
#include "relay/relay.hpp"
#include "store/lmdb/lmdb_store.hpp"

namespace pleb::cli {
namespace {

struct ImportOptions {
  std::string data = "./data";
  bool verify = true;
  std::size_t batch = 2000;
};

std::unique_ptr<store::EventStore> open_store(const std::string& data, bool sync) {
  store::LmdbOptions options;
  options.directory = std::filesystem::path(data) / "events";
  options.max_limit = UINT64_MAX;  // export walks everything
  options.sync = sync;
  return store::open_lmdb_store(options);
}

struct ImportCounts {
  std::uint64_t lines = 0, stored = 0, rejected = 0, invalid = 0;
};

void print_progress(const ImportCounts& counts, const char* end) {
  std::cerr << "\rimport: " << counts.lines << " lines, " << counts.stored << " stored, " << counts.rejected
            << " not stored (duplicate, replaced, deleted or expired), " << counts.invalid << " invalid"
            << end << std::flush;
}

void import_events(const ImportOptions& options) {
  // Bulk import commits without fsync per batch and syncs once when the store closes.
  auto store = open_store(options.data, false);
  ImportCounts counts;
  std::vector<nostr::Event> batch;
  auto flush = [&] {
    if (batch.empty()) return;
    for (const auto& result : store->write(batch, relay::unix_now())) {
      if (result.status == store::WriteStatus::kError) throw std::runtime_error(result.message);
      result.ok() ? ++counts.stored : ++counts.rejected;
    }
    batch.clear();
  };
  auto last_progress = std::chrono::steady_clock::now();
  std::string line;
  while (std::getline(std::cin, line)) {
    ++counts.lines;
    if (line.empty()) continue;
    auto event = options.verify ? nostr::parse_and_verify_event(line) : nostr::parse_event(line);
    if (!event) {
      ++counts.invalid;
      std::cerr << "\nline " << counts.lines << ": invalid: " << event.error() << "\n";
      continue;
    }
    if (nostr::is_ephemeral(event->kind)) {
      ++counts.rejected;
      continue;
    }
    batch.push_back(std::move(event).value());
    if (batch.size() >= options.batch) flush();
    if (auto now = std::chrono::steady_clock::now(); now - last_progress > std::chrono::seconds(1)) {
      last_progress = now;
      print_progress(counts, "");
    }
  }
  flush();
  print_progress(counts, "\n");
  if (counts.invalid > 0) throw CLI::RuntimeError(1);
}

void export_events(const std::string& data) {
  auto store = open_store(data, true);
  auto cursor = store->query_json({nostr::Filter{}}, relay::unix_now());
  std::uint64_t count = 0;
  while (!cursor->step(std::chrono::milliseconds(100), [&](const store::StoredEvent& stored) {
    std::cout << stored.json << '\n';
    ++count;
    return true;
  })) {
  }
  std::cout.flush();
  std::cerr << "export: " << count << " events\n";
}

}  // namespace

void register_import_export_commands(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  auto* import_command = app.add_subcommand("import", "Import events, one JSON object per line on stdin");
  import_command->add_option("--data", options->data, "data directory")->capture_default_str();
  import_command->add_flag("!--no-verify", options->verify,
                           "skip signature verification (trusted input only)");
  import_command->add_option("--batch", options->batch, "events per transaction")->capture_default_str();
  import_command->callback([options] { import_events(*options); });

  auto data = std::make_shared<std::string>("./data");
  auto* export_command =
      app.add_subcommand("export", "Export every stored event as JSON lines, newest first");
  export_command->add_option("--data", *data, "data directory")->capture_default_str();
  export_command->callback([data] { export_events(*data); });
}

}  // namespace pleb::cli
