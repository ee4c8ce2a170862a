#pragma once
// The SQL of one filter. A query runs as pages in keyset order (created_at DESC, event_id DESC): each
// page is one bounded statement that resumes strictly after the last key of the previous one, so a
// cursor holds nothing on the server between pages and sees committed writes consistently.
//
// A page has two parts. The driver walks one index newest first: event_ids for ids, or one ordered
// index scan per prefix merged (an author, an author and kind, a kind, a tag value), as the LMDB
// engine walks its prefixes; the whole table by created_at otherwise. Each prefix scan stops after a
// page of rows, so a page costs at most prefixes x page rows however large the table. The outer
// statement joins the events and checks the rest of the filter in SQL; it returns the driver's key
// for every row (so the next page knows where to resume) and the JSON only for rows that match.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nostr/filter.hpp"
#include "store/postgres/postgres_store.hpp"

namespace pleb::store::pg {

struct PageKey {
  std::int64_t created_at = 0;
  nostr::Bytes32 id{};
};

// Columns of a page: created_at, hex id, hex pubkey, kind, raw JSON (NULL when the row does not match).
class FilterSql {
 public:
  FilterSql(const nostr::Filter& filter, TagIndex tag_index, std::size_t max_prefixes, std::int64_t now);

  // Nothing can match (an empty list, since > until).
  bool matches_nothing() const { return nothing_; }
  // SQL cannot decide this filter exactly (see sql_text.hpp): rows must be checked with Filter::matches.
  bool needs_exact_check() const { return exact_check_; }
  const std::string& describe() const { return description_; }

  // With several tag conditions driven by event_tags, which one to walk is best decided by how many
  // entries each has: this query counts them, each up to kProbeCap, in one row. Empty when there is
  // no choice to make. drive_by_tag(i) then walks the i-th tag condition of the filter.
  static constexpr int kProbeCap = 1000;
  std::string tag_probe() const;
  void drive_by_tag(std::size_t index);

  std::string page(const std::optional<PageKey>& after, std::size_t rows) const;
  // created_at, event_id of every matching event (for count).
  std::string all_matching() const;

 private:
  std::string driver(const std::optional<PageKey>& after, std::optional<std::size_t> rows) const;
  void drive_by(const nostr::TagFilter& tag);

  std::vector<nostr::TagFilter> tags_;
  bool tag_driven_ = false;
  std::string check_suffix_;

  bool nothing_ = false;
  bool exact_check_ = false;
  std::string description_;
  // Driver parts: FROM clause with alias x (or prefixes p joined laterally), and its conditions.
  std::string prefixes_;      // "" when the driver is a plain scan
  std::string prefix_table_;  // table of the lateral scan
  std::string prefix_match_;  // condition on x tying it to p
  bool distinct_ = false;
  std::string scan_table_;  // table of the plain scan
  std::string scan_where_;  // condition of the plain scan (besides range and cursor)
  std::string range_;       // since/until on x.created_at
  std::string conditions_;  // on e: everything the filter asks
};

}  // namespace pleb::store::pg
