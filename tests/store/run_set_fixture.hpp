#pragma once
// What the tests of the run sets (id_index_test, tag_index_test) share: runs of a few entries, so that
// sealing and merging happen within a test, and a small environment with the store's schema.
#include <optional>

#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/run_set.hpp"
#include "store/lmdb/schema.hpp"
#include "temp_dir.hpp"

namespace pleb::store::testing {

inline lmdb::RunSetOptions small_runs() {
  lmdb::RunSetOptions options;
  options.run_entries = 4;
  options.merge_width = 2;
  options.merge_step_per_entry = 2;
  options.min_merge_step = 3;  // merges of the larger runs take several batches
  return options;
}

// (Re)opens the environment in `dir`; the caller has dropped whatever it built on the previous one.
inline void open_schema_env(const TempDir& dir, std::optional<lmdb::Env>& env,
                            std::optional<lmdb::Dbis>& dbis) {
  dbis.reset();
  env.reset();
  lmdb::EnvConfig config;
  config.directory = dir.path().string();
  config.map_size = std::size_t{64} << 20;
  config.max_dbs = lmdb::kMaxDbs;
  config.max_readers = 16;
  config.flags = MDB_NOSYNC;
  env.emplace(config);
  dbis = lmdb::open_schema(env->get());
}

}  // namespace pleb::store::testing
