#include "store/lmdb/lmdb_store.hpp"

#include <algorithm>
#include <mutex>
#include <string>

#include "store/lmdb/database.hpp"
#include "store/lmdb/event_writer.hpp"
#include "store/lmdb/id_index.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/lmdb_query.hpp"
#include "store/lmdb/tag_index.hpp"

namespace pleb::store {
namespace {

using lmdb::Database;
using lmdb::EventWriter;
using lmdb::LmdbError;
using lmdb::Txn;

// Reset read transactions kept for reuse; each holds a reader slot while idle.
constexpr std::size_t kIdleReaders = 16;

std::string describe_failure(const std::exception& e) {
  if (const auto* lmdb_error = dynamic_cast<const LmdbError*>(&e);
      lmdb_error && lmdb_error->code() == MDB_MAP_FULL) {
    return "storage is full";
  }
  return e.what();
}

class LmdbStore final : public EventStore {
 public:
  LmdbStore(std::shared_ptr<Database> db, lmdb::RunSetOptions id_options, lmdb::RunSetOptions tag_options)
      : db_(std::move(db)), ids_(db_->dbis, id_options), tags_(lmdb::tag_layout(db_->dbis), tag_options) {
    // The run sets' Bloom filters are read (or, for a run from before they were stored, built: about
    // 0.1 s per million entries) now, so that the first event after a start does not wait for them.
    Txn txn(db_->env.get(), MDB_RDONLY);
    ids_.prepare(txn.get());
    tags_.prepare(txn.get());
  }

  using EventStore::write;
  std::vector<WriteResult> write(std::span<const EventToWrite> events, std::int64_t now,
                                 const BeforeCommit& before_commit) override {
    if (events.empty()) return {};
    std::lock_guard lock(write_mutex_);
    std::vector<WriteResult> results;
    results.reserve(events.size());
    try {
      Txn txn(db_->env.get(), 0);
      EventWriter writer(txn.get(), db_->dbis, buffers_, ids_, tags_);
      for (const auto& e : events) results.push_back(writer.write(*e.event, now, e.json));
      writer.finish();
      if (before_commit) before_commit(results);
      txn.commit();
    } catch (const std::exception& e) {
      // The transaction is aborted by Txn's destructor: nothing of the batch was stored.
      ids_.invalidate();
      tags_.invalidate();

      WriteResult failure = error_result(describe_failure(e));
      results.assign(events.size(), failure);
    }
    return results;
  }

  std::unique_ptr<QueryCursor> query(std::vector<nostr::Filter> filters, std::int64_t now) override {
    return std::make_unique<lmdb::LmdbQueryCursor>(db_, std::move(filters), now, true);
  }

  std::unique_ptr<QueryCursor> query_json(std::vector<nostr::Filter> filters, std::int64_t now) override {
    return std::make_unique<lmdb::LmdbQueryCursor>(db_, std::move(filters), now, false);
  }

  std::uint64_t count(const std::vector<nostr::Filter>& filters, std::int64_t now) override {
    return lmdb::count_matching(*db_, filters, now);
  }

  std::size_t purge_expired(std::int64_t now) override {
    try {
      return removing([now](EventWriter& writer) { return writer.purge_expired(now); });
    } catch (const std::exception&) {
      // Housekeeping: nothing was removed, expired events stay hidden, and the next call retries.
      return 0;
    }
  }

  std::size_t erase(std::span<const nostr::Bytes32> ids) override {
    if (ids.empty()) return 0;
    return removing([ids](EventWriter& writer) { return writer.erase(ids); });
  }

  std::size_t erase_author(const nostr::Bytes32& pubkey, std::size_t limit) override {
    return removing([&](EventWriter& writer) { return writer.erase_author(pubkey, limit); });
  }

  bool known_new(const nostr::Event& event) override {
    try {
      Txn txn(db_->env.get(), MDB_RDONLY);
      if (lmdb::IdSnapshot(txn.get(), db_->dbis).find(event.id) != 0) return false;
      lmdb::Key tombstone;
      tombstone.append(event.id).append(event.pubkey);
      MDB_val value;
      return !lmdb::get(txn.get(), db_->dbis.deleted_ids, tombstone.val(), value);
    } catch (const std::exception&) {
      return false;
    }
  }

  bool writable() override {
    std::lock_guard lock(write_mutex_);
    try {
      Txn txn(db_->env.get(), 0);
      return true;  // aborted on return: this only proves a write transaction can start
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  // Runs `remove` in a write transaction of its own and commits; returns how many events it removed.
  // Throws std::runtime_error when storage fails (nothing was removed).
  template <typename Remove>
  std::size_t removing(Remove remove) {
    std::lock_guard lock(write_mutex_);
    try {
      Txn txn(db_->env.get(), 0);
      EventWriter writer(txn.get(), db_->dbis, buffers_, ids_, tags_);
      std::size_t removed = remove(writer);
      writer.finish();
      txn.commit();
      return removed;
    } catch (const std::exception& e) {
      ids_.invalidate();
      tags_.invalidate();

      throw std::runtime_error("cannot remove events: " + describe_failure(e));
    }
  }

  std::shared_ptr<Database> db_;
  std::mutex write_mutex_;
  lmdb::WriteBuffers buffers_;  // reused across writes (guarded by write_mutex_)
  lmdb::IdIndex ids_;           // guarded by write_mutex_
  lmdb::RunSet tags_;           // guarded by write_mutex_
};

}  // namespace

std::unique_ptr<EventStore> open_lmdb_store(const LmdbOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.directory, ec);
  if (ec) throw std::runtime_error("cannot create " + options.directory.string() + ": " + ec.message());

  lmdb::EnvConfig env;
  env.directory = options.directory.string();
  env.map_size = options.map_size;
  env.min_map_size = std::min<std::size_t>(options.map_size, std::size_t{1} << 30);
  env.max_readers = options.max_readers;
  env.max_dbs = lmdb::kMaxDbs;
  env.flags = MDB_NOTLS | (options.sync ? 0u : static_cast<unsigned>(MDB_NOSYNC));

  lmdb::QueryConfig query;
  query.planner.max_prefixes = options.max_scan_prefixes;
  query.max_limit = options.max_limit;
  try {
    lmdb::RunSetOptions id_options, tag_options;
    id_options.run_entries = std::max<std::size_t>(options.id_run_entries, 1);
    tag_options.run_entries = std::max<std::size_t>(options.tag_run_entries, 1);
    return std::make_unique<LmdbStore>(std::make_shared<Database>(env, kIdleReaders, query), id_options,
                                       tag_options);
  } catch (const LmdbError& e) {
    throw std::runtime_error("cannot open the event store in " + env.directory + ": " + e.what());
  }
}

}  // namespace pleb::store
