#pragma once
// The open environment and everything derived from it, shared by the store and its cursors so that a
// cursor outliving the store still finds the environment open.
#include <cstdint>
#include <memory>

#include "store/lmdb/lmdb_env.hpp"
#include "store/lmdb/query_plan.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

struct QueryConfig {
  PlannerLimits planner;
  std::uint64_t max_limit = 5000;
};

struct Database {
  Database(const EnvConfig& env_config, std::size_t idle_readers, QueryConfig query_config)
      : env(env_config),
        dbis(open_schema(env.get())),
        readers(env.get(), idle_readers),
        query(query_config) {}

  Env env;  // declared first: destroyed last, after the pooled transactions
  Dbis dbis;
  ReadTxnPool readers;
  QueryConfig query;
};

}  // namespace pleb::store::lmdb
