// Runs the conformance suites against the LMDB store, each test in its own fresh directory.
#include "store/lmdb/lmdb_store.hpp"
#include "store_conformance.hpp"
#include "temp_dir.hpp"

namespace pleb::store::testing {
namespace {

class LmdbHarness : public StoreHarness {
 public:
  explicit LmdbHarness(std::size_t run_entries) : run_entries_(run_entries) {}
  std::unique_ptr<EventStore> open() override {
    LmdbOptions options;
    options.directory = dir_.path() / "events";  // not there yet: the store creates it
    options.id_run_entries = options.tag_run_entries = run_entries_;
    return open_lmdb_store(options);
  }

 private:
  TempDir dir_;
  std::size_t run_entries_;
};

const StoreBackend kLmdb{"lmdb", [] { return std::make_unique<LmdbHarness>(LmdbOptions{}.id_run_entries); }};
// Every rule again with id and tag indexes of 2-entry runs, sealed and merged all along (run_set.hpp).
const StoreBackend kLmdbSmallRuns{"lmdb_small_runs", [] { return std::make_unique<LmdbHarness>(2); }};

INSTANTIATE_TEST_SUITE_P(Lmdb, StoreWrite, ::testing::Values(kLmdb, kLmdbSmallRuns), backend_name);
INSTANTIATE_TEST_SUITE_P(Lmdb, StoreDeletion, ::testing::Values(kLmdb, kLmdbSmallRuns), backend_name);
INSTANTIATE_TEST_SUITE_P(Lmdb, StoreQuery, ::testing::Values(kLmdb, kLmdbSmallRuns), backend_name);
INSTANTIATE_TEST_SUITE_P(Lmdb, StoreQueryData, ::testing::Values(kLmdb, kLmdbSmallRuns), backend_name);

}  // namespace
}  // namespace pleb::store::testing
