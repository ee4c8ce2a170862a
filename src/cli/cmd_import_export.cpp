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
  std::vector<std::uint64_t> batch_lines;
  auto report_invalid = [&](std::uint64_t line_number, const std::string& error) {
    ++counts.invalid;
    std::cerr << "\nline " << line_number << ": invalid: " << error << "\n";
  };
  // Signatures are verified a batch at a time (nostr/batch_verify.hpp), just before the batch is written.
  auto drop_unverified = [&] {
    std::vector<const nostr::Event*> events;
    for (const auto& event : batch) events.push_back(&event);
    const auto statuses = nostr::verify_events(events);
    std::vector<nostr::Event> verified;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (statuses[i]) {
        verified.push_back(std::move(batch[i]));
      } else {
        report_invalid(batch_lines[i], statuses[i].error());
      }
    }
    batch = std::move(verified);
  };
  auto flush = [&] {
    if (options.verify) drop_unverified();
    batch_lines.clear();
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
    auto event = nostr::parse_event(line);
    if (!event) {
      report_invalid(counts.lines, event.error());
      continue;
    }
    if (nostr::is_ephemeral(event->kind)) {
      ++counts.rejected;
      continue;
    }
    batch.push_back(std::move(event).value());
    batch_lines.push_back(counts.lines);
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
