// Runs the conformance suites against the LMDB store, each test in its own fresh directory.
#include "store/lmdb/lmdb_store.hpp"
#include "store_conformance.hpp"
#include "temp_dir.hpp"

namespace pleb::store::testing {
namespace {

class LmdbHarness : public StoreHarness {
 public:
  std::unique_ptr<EventStore> open() override {
    LmdbOptions options;
    options.directory = dir_.path() / "events";  // not there yet: the store creates it
    return open_lmdb_store(options);
  }

 private:
  TempDir dir_;
};

const StoreBackend kLmdb{"lmdb", [] { return std::make_unique<LmdbHarness>(); }};

INSTANTIATE_TEST_SUITE_P(Lmdb, StoreWrite, ::testing::Values(kLmdb), backend_name);
INSTANTIATE_TEST_SUITE_P(Lmdb, StoreDeletion, ::testing::Values(kLmdb), backend_name);
INSTANTIATE_TEST_SUITE_P(Lmdb, StoreQuery, ::testing::Values(kLmdb), backend_name);
INSTANTIATE_TEST_SUITE_P(Lmdb, StoreQueryData, ::testing::Values(kLmdb), backend_name);

}  // namespace
}  // namespace pleb::store::testing
