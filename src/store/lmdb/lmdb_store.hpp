#pragma once
// The embedded event store: one LMDB environment in a directory.
//
// Durability: the environment is opened without MDB_NOSYNC or MDB_NOMETASYNC (unless `sync` is turned
// off), so write() returns only after its transaction is committed and fsync'ed: an OK true sent after
// it survives a power cut. Group commit (BatchWriter) makes that affordable.
//
// Threads: write() and purge_expired() serialize on a mutex (LMDB allows one write transaction at a
// time anyway); call them from one writer thread. query cursors, count() and writable() may be used
// from any thread concurrently (the environment is opened with MDB_NOTLS, so a cursor may even be
// stepped on a different thread each time, one thread at a time).
#include <cstdint>
#include <filesystem>
#include <memory>

#include "store/event_store.hpp"

namespace pleb::store {

struct LmdbOptions {
  std::filesystem::path directory;  // created if missing; holds data.mdb and lock.mdb
  // Address space reserved for the file, which grows sparsely as needed: 1 TiB reserves room and
  // costs nothing, so MDB_MAP_FULL ("error: storage is full") only means the disk budget was reached.
  // Where that much address space is refused (ulimit -v), it is halved until it fits, down to 1 GiB.
  std::size_t map_size = std::size_t{1} << 40;
  unsigned max_readers = 1024;  // concurrent read transactions (query steps in flight)
  // Cap on any filter's limit, and the limit of a filter without one. The relay may apply a lower one.
  std::uint64_t max_limit = 5000;
  // authors x kinds above this scans the author index and checks kinds on each candidate.
  std::size_t max_scan_prefixes = 4096;
  // false: MDB_NOSYNC, commits are not flushed (tests, bulk imports). Never for `pleb serve`.
  bool sync = true;
  // Entries in the active run of the id index and of the tag index before it is sealed and a new one
  // begun (run_set.hpp). Tests use small values to exercise sealing and merging.
  std::size_t id_run_entries = 65536;
  std::size_t tag_run_entries = 65536;
};

// Throws std::runtime_error when the directory cannot be created or the environment cannot be opened.
// Query cursors keep the environment open and may outlive the store.
std::unique_ptr<EventStore> open_lmdb_store(const LmdbOptions& options);

}  // namespace pleb::store
