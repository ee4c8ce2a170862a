// Runs the conformance suites against the PostgreSQL store, each test in a fresh database.
#include "store/postgres/postgres_store.hpp"
#include "store_conformance.hpp"
#include "test_database.hpp"

namespace pleb::store::testing {
namespace {

class PostgresHarness : public StoreHarness {
 public:
  explicit PostgresHarness(TagIndex tag_index) { options_.tag_index = tag_index; }
  std::unique_ptr<EventStore> open() override { return open_postgres_store(db_.url(), options_); }

 private:
  TestDatabase db_;
  PostgresOptions options_;
};

const StoreBackend kPostgres{"postgres",
                             [] { return std::make_unique<PostgresHarness>(TagIndex::kSideTable); }};
// The other tag index answers the same questions.
const StoreBackend kPostgresGin{"postgres_gin",
                                [] { return std::make_unique<PostgresHarness>(TagIndex::kGin); }};

INSTANTIATE_TEST_SUITE_P(Postgres, StoreWrite, ::testing::Values(kPostgres, kPostgresGin), backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreDeletion, ::testing::Values(kPostgres, kPostgresGin), backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreQuery, ::testing::Values(kPostgres, kPostgresGin), backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreQueryData, ::testing::Values(kPostgres, kPostgresGin), backend_name);

}  // namespace
}  // namespace pleb::store::testing
