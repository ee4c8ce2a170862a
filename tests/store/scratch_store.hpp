#pragma once
// An LMDB store in its own temporary folder without fsync, for tests that need a real engine.
#include <memory>

#include "store/lmdb/lmdb_store.hpp"
#include "temp_dir.hpp"

namespace pleb::store::testing {

struct ScratchStore {
  TempDir dir;
  std::unique_ptr<EventStore> store;
  ScratchStore() {
    LmdbOptions options;
    options.directory = dir.path() / "db";
    options.sync = false;
    store = open_lmdb_store(options);
  }
};

}  // namespace pleb::store::testing
