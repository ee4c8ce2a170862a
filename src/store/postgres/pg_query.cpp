#include "store/postgres/pg_query.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "nostr/event_parse.hpp"
#include "store/event_store.hpp"
#include "store/postgres/sql_text.hpp"

namespace pleb::store::pg {
namespace {

template <std::size_t N>
bool read_hex(const pqxx::field& field, std::array<std::uint8_t, N>& out) {
  return nostr::from_hex_lower(std::string_view(field.c_str(), field.size()), out.data(), N);
}

[[noreturn]] void rethrow_as_runtime_error(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) {
    throw std::runtime_error("database unavailable: " + first_line(e.what()));
  }
  throw std::runtime_error("database: " + first_line(e.what()));
}

template <typename Fn>
auto run_on(ConnectionPool& pool, const std::string& sql, Fn&& read) {
  try {
    return pool.with_connection([&](pqxx::connection& connection) {
      pqxx::nontransaction txn(connection);
      return read(txn.exec(sql));
    });
  } catch (const std::exception& e) {
    rethrow_as_runtime_error(e);
  }
}

// Walks the tag condition with the fewest entries (see FilterSql::tag_probe).
void choose_tag_driver(ConnectionPool& pool, FilterSql& sql) {
  std::string probe = sql.tag_probe();
  if (probe.empty()) return;
  auto best = run_on(pool, probe, [](const pqxx::result& r) {
    const pqxx::row entries = r[0];
    pqxx::row::size_type best = 0;
    for (pqxx::row::size_type i = 1; i < entries.size(); ++i) {
      if (entries[i].as<std::int64_t>() < entries[best].as<std::int64_t>()) best = i;
    }
    return best;
  });
  sql.drive_by_tag(static_cast<std::size_t>(best));
}

}  // namespace

PgQueryCursor::PgQueryCursor(std::shared_ptr<ConnectionPool> pool, const QuerySettings& settings,
                             std::vector<nostr::Filter> filters, std::int64_t now, bool full_events)
    : pool_(std::move(pool)),
      page_rows_(std::max<std::size_t>(settings.page_rows, 1)),
      full_events_(full_events) {
  runs_.reserve(filters.size());
  for (auto& filter : filters) {
    std::uint64_t limit = std::min(filter.limit.value_or(settings.max_limit), settings.max_limit);
    FilterSql sql(filter, settings.tag_index, settings.max_prefixes, now);
    bool done = sql.matches_nothing() || limit == 0;
    runs_.push_back(
        Run{std::move(filter), std::move(sql), limit, 0, std::nullopt, {}, 0, 0, false, 0, false, done});
  }
}

void PgQueryCursor::fetch(Run& run) {
  if (!run.probed) {
    run.probed = true;
    choose_tag_driver(*pool_, run.sql);
  }
  // A page asks for what the filter still needs, and doubles while rows keep failing the filter.
  std::uint64_t wanted = run.limit - run.matched;
  std::size_t rows = static_cast<std::size_t>(
      std::min<std::uint64_t>(std::max<std::uint64_t>({wanted, std::uint64_t{run.rows} * 2, 1}), page_rows_));
  run.page = run_on(*pool_, run.sql.page(run.after, rows), [](pqxx::result r) { return r; });
  run.pos = 0;
  run.rows = rows;
  run.fetched_in = steps_;
  run.exhausted = run.page.size() < rows;
  if (!run.page.empty()) {
    const auto& last = run.page[run.page.size() - 1];
    PageKey key;
    key.created_at = last[0].as<std::int64_t>();
    if (!read_hex(last[1], key.id)) throw std::runtime_error("database: malformed event id");
    run.after = key;
  }
}

bool PgQueryCursor::consider(Run& run, const pqxx::row& row, const EventSink& sink) {
  ++examined_;
  if (row[4].is_null()) return true;  // the driver's row, failing the rest of the filter
  std::string_view json(row[4].c_str(), row[4].size());
  nostr::Event& e = out_.event;
  bool parsed = false;
  if (full_events_ || run.sql.needs_exact_check()) {
    auto event = nostr::parse_event(json, stored_event_limits());
    if (!event) return true;  // unreachable for rows we wrote; never hand out half an event
    e = std::move(*event);
    parsed = true;
    if (run.sql.needs_exact_check() && !run.filter.matches(e)) return true;
  }
  ++run.matched;
  if (run.matched >= run.limit) run.done = true;
  if (!parsed || !full_events_) {
    e.created_at = row[0].as<std::int64_t>();
    if (!read_hex(row[1], e.id) || !read_hex(row[2], e.pubkey)) return true;
    e.kind = row[3].as<std::uint32_t>();
    e.tags.clear();
    e.content.clear();
    e.sig = {};
  }
  if (runs_.size() > 1 && !delivered_ids_.insert(e.id).second) return true;
  out_.json.assign(json);
  ++delivered_;
  return sink(out_);
}

bool PgQueryCursor::step(std::chrono::microseconds budget, const EventSink& sink) {
  if (finished_) return true;
  ++steps_;
  pause_requested_ = false;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  auto expired = [&] { return pause_requested_ || std::chrono::steady_clock::now() >= deadline; };
  bool worked = false;  // a step always does something, whatever its budget
  while (current_ < runs_.size()) {
    Run& run = runs_[current_];
    if (run.done) {
      run.page = pqxx::result();
      ++current_;
      continue;
    }
    if (run.pos < run.page.size()) {
      const pqxx::row row = run.page[run.pos++];
      worked = true;
      if (!consider(run, row, sink)) {
        finished_ = true;
        return true;
      }
      if (expired()) return false;
      continue;
    }
    // A short page ends the filter, unless the cursor yielded since it was fetched: what was
    // committed meanwhile below the last key must still be delivered, so one more page is asked.
    if (run.exhausted && run.fetched_in == steps_) {
      run.done = true;
      continue;
    }
    if (worked && expired()) return false;
    fetch(run);
    worked = true;
  }
  finished_ = true;
  return true;
}

QueryStats PgQueryCursor::stats() const {
  QueryStats s;
  for (const auto& run : runs_) {
    if (!s.plan.empty()) s.plan += "; ";
    s.plan += run.sql.describe();
  }
  s.examined = examined_;
  s.delivered = delivered_;
  s.steps = steps_;
  return s;
}

std::uint64_t count_matching(const std::shared_ptr<ConnectionPool>& pool, const QuerySettings& settings,
                             const std::vector<nostr::Filter>& filters, std::int64_t now) {
  std::vector<std::string> parts;
  bool exact_check = false;
  for (const auto& filter : filters) {
    FilterSql sql(filter, settings.tag_index, settings.max_prefixes, now);
    if (sql.matches_nothing()) continue;
    exact_check = exact_check || sql.needs_exact_check();
    choose_tag_driver(*pool, sql);
    parts.push_back(sql.all_matching());
  }
  if (parts.empty()) return 0;
  if (exact_check) {
    // SQL alone could be wrong for these values: count what a limitless query delivers.
    QuerySettings limitless = settings;
    limitless.max_limit = std::numeric_limits<std::uint64_t>::max();
    std::vector<nostr::Filter> unlimited = filters;
    for (auto& f : unlimited) f.limit.reset();
    PgQueryCursor cursor(pool, limitless, std::move(unlimited), now, false);
    std::uint64_t n = 0;
    while (!cursor.step(std::chrono::seconds(1), [&](const StoredEvent&) { return ++n, true; })) {
    }
    return n;
  }
  std::string sql = "SELECT count(*) FROM (";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) sql.append(" UNION ");
    sql.append(parts[i]);
  }
  sql.append(") matching");
  return run_on(*pool, sql, [](const pqxx::result& r) { return r[0][0].as<std::uint64_t>(); });
}

}  // namespace pleb::store::pg
