#pragma once
// QueryCursor and count() over PostgreSQL: the filters of a query run one after the other, each newest
// first up to its limit, page by page (filter_sql.hpp), with events delivered once across filters.
// A step borrows a pooled connection only for the page it fetches; rows not yet delivered stay in the
// cursor, so pause() and the time budget can stop anywhere in a page.
#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "store/event_store.hpp"
#include "store/postgres/connection_pool.hpp"
#include "store/postgres/filter_sql.hpp"

namespace pleb::store::pg {

struct QuerySettings {
  TagIndex tag_index = TagIndex::kSideTable;
  std::uint64_t max_limit = 5000;
  std::size_t page_rows = 500;
  std::size_t max_prefixes = 4096;
};

class PgQueryCursor final : public QueryCursor {
 public:
  PgQueryCursor(std::shared_ptr<ConnectionPool> pool, const QuerySettings& settings,
                std::vector<nostr::Filter> filters, std::int64_t now, bool full_events);

  bool step(std::chrono::microseconds budget, const EventSink& sink) override;
  void pause() override { pause_requested_ = true; }
  QueryStats stats() const override;

 private:
  struct Run {
    nostr::Filter filter;
    FilterSql sql;
    std::uint64_t limit;
    std::uint64_t matched = 0;
    std::optional<PageKey> after;
    pqxx::result page;
    std::size_t pos = 0;
    std::size_t rows = 0;          // of the last page fetched; pages grow while a filter needs more
    bool exhausted = false;        // the last page was short: the driver had nothing more then
    std::uint64_t fetched_in = 0;  // the step that fetched the page
    bool probed = false;           // the tag driver was chosen (before the first page)
    bool done = false;
  };

  void fetch(Run& run);
  // False when the sink wants no more.
  bool consider(Run& run, const pqxx::row& row, const EventSink& sink);

  std::shared_ptr<ConnectionPool> pool_;
  std::size_t page_rows_;
  std::vector<Run> runs_;
  std::size_t current_ = 0;
  bool full_events_;
  bool finished_ = false;
  bool pause_requested_ = false;
  std::set<nostr::Bytes32> delivered_ids_;  // only with several filters: one filter never repeats
  StoredEvent out_;
  std::uint64_t examined_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t steps_ = 0;
};

// NIP-45: distinct events matching any filter; limits do not apply.
std::uint64_t count_matching(const std::shared_ptr<ConnectionPool>& pool, const QuerySettings& settings,
                             const std::vector<nostr::Filter>& filters, std::int64_t now);

}  // namespace pleb::store::pg
