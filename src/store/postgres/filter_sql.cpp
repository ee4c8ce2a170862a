#include "store/postgres/filter_sql.hpp"

#include <algorithm>

#include "store/postgres/sql_text.hpp"

namespace pleb::store::pg {
namespace {

constexpr std::string_view kOrder = " ORDER BY x.created_at DESC, x.event_id DESC";

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string letter_literal(char letter) {
  std::string out;
  append_text(out, std::string_view(&letter, 1));
  return out;
}

std::string tag_keys(const nostr::TagFilter& tag) {
  std::string out;
  for (const auto& value : tag.values) {
    if (!out.empty()) out.push_back(',');
    out.append("event_tag_key(");
    append_text(out, value);
    out.append(")");
  }
  return out;
}

// jsonb containment of ["x", value] for any of the values: what the GIN index answers.
std::string tag_containment(const std::string& column, const nostr::TagFilter& tag) {
  std::string out = "(";
  for (std::size_t i = 0; i < tag.values.size(); ++i) {
    if (i) out.append(" OR ");
    out.append(column).append(" @> ");
    append_text(out, tags_json_for_sql({{std::string(1, tag.letter), tag.values[i]}}));
    out.append("::jsonb");
  }
  return out + ")";
}

// NIP-50 as nostr::search_matches decides it: every word (extensions with ':' aside) occurs in the
// content, ignoring ASCII case only.
std::string search_conditions(std::string_view query) {
  std::string out;
  std::size_t at = 0;
  while (at < query.size()) {
    while (at < query.size() && query[at] == ' ') ++at;
    std::size_t end = std::min(query.find(' ', at), query.size());
    std::string_view word = query.substr(at, end - at);
    at = end;
    if (word.empty() || word.find(':') != std::string_view::npos) continue;
    out.append(
        " AND strpos(translate(e.content, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), ");
    append_text(out, lower_ascii(word));
    out.append(") > 0");
  }
  return out;
}

}  // namespace

FilterSql::FilterSql(const nostr::Filter& filter, TagIndex tag_index, std::size_t max_prefixes,
                     std::int64_t now) {
  if (filter.is_empty_set()) {
    nothing_ = true;
    description_ = "none";
    return;
  }
  if (filter.since) range_.append(" AND x.created_at >= ").append(std::to_string(*filter.since));
  if (filter.until) range_.append(" AND x.created_at <= ").append(std::to_string(*filter.until));

  // NIP-40: never served once expired, even before purge_expired removes it.
  conditions_ = "(e.expiration IS NULL OR e.expiration > " + std::to_string(now) + ")";
  if (filter.ids) conditions_.append(" AND e.event_id IN (").append(bytea_list(*filter.ids)).append(")");
  if (filter.authors)
    conditions_.append(" AND e.pubkey IN (").append(bytea_list(*filter.authors)).append(")");
  std::string kinds;
  if (filter.kinds) {
    for (std::uint32_t kind : *filter.kinds) {
      if (!kinds.empty()) kinds.push_back(',');
      kinds.append(std::to_string(kind));
    }
    conditions_.append(" AND e.kind IN (").append(kinds).append(")");
  }
  for (const auto& tag : filter.tags) {
    for (const auto& value : tag.values) exact_check_ = exact_check_ || pg::needs_exact_check(value);
    if (tag_index == TagIndex::kSideTable) {
      conditions_.append(" AND EXISTS (SELECT 1 FROM event_tags t WHERE t.name = ")
          .append(letter_literal(tag.letter))
          .append(" AND t.value IN (")
          .append(tag_keys(tag))
          .append(") AND t.created_at = e.created_at AND t.event_id = e.event_id)");
    } else {
      std::string values;
      for (const auto& value : tag.values) {
        if (!values.empty()) values.push_back(',');
        append_text(values, value);
      }
      conditions_.append(" AND ")
          .append(tag_containment("e.tags", tag))
          .append(" AND EXISTS (SELECT 1 FROM jsonb_array_elements(e.tags) el WHERE el->>0 = ")
          .append(letter_literal(tag.letter))
          .append(" AND el->>1 IN (")
          .append(values)
          .append("))");
    }
  }
  if (filter.search) {
    exact_check_ = exact_check_ || pg::needs_exact_check(*filter.search);
    conditions_.append(search_conditions(*filter.search));
  }

  // The driving index, chosen as the LMDB engine chooses its prefixes.
  if (filter.ids) {
    scan_table_ = "event_ids x";
    scan_where_ = "x.event_id IN (" + bytea_list(*filter.ids) + ")";
    description_ = "ids";
  } else if (filter.authors && filter.kinds &&
             filter.authors->size() * filter.kinds->size() <= max_prefixes) {
    prefixes_ = "(VALUES ";
    bool first = true;
    for (const auto& author : *filter.authors) {
      for (std::uint32_t kind : *filter.kinds) {
        prefixes_.append(first ? "(" : ",(");
        first = false;
        append_bytea(prefixes_, author);
        prefixes_.append(",").append(std::to_string(kind)).append(")");
      }
    }
    prefixes_.append(") p(pubkey, kind)");
    prefix_table_ = "events x";
    prefix_match_ = "x.pubkey = p.pubkey AND x.kind = p.kind";
    description_ = "pubkey_kind[" + std::to_string(filter.authors->size() * filter.kinds->size()) + "]";
  } else if (filter.authors) {
    prefixes_ = "(VALUES ";
    for (std::size_t i = 0; i < filter.authors->size(); ++i) {
      prefixes_.append(i ? ",(" : "(");
      append_bytea(prefixes_, (*filter.authors)[i]);
      prefixes_.append(")");
    }
    prefixes_.append(") p(pubkey)");
    prefix_table_ = "events x";
    prefix_match_ = "x.pubkey = p.pubkey";
    description_ = "pubkey[" + std::to_string(filter.authors->size()) + "]";
  } else if (!filter.tags.empty()) {
    tags_ = filter.tags;
    tag_driven_ = true;
    if (tag_index == TagIndex::kSideTable) {
      drive_by(*filter.narrowest_tag());
    } else {
      // Every tag condition in the driver: the planner may intersect their GIN bitmaps.
      scan_table_ = "events x";
      scan_where_ = "true";
      for (const auto& tag : filter.tags) scan_where_.append(" AND ").append(tag_containment("x.tags", tag));
      const auto& tag = *filter.narrowest_tag();
      description_ = "tag[#" + std::string(1, tag.letter) + " x" + std::to_string(tag.values.size()) + "]gin";
    }
  } else if (filter.kinds) {
    prefixes_ = "(VALUES ";
    for (std::size_t i = 0; i < filter.kinds->size(); ++i) {
      prefixes_.append(i ? ",(" : "(").append(std::to_string((*filter.kinds)[i])).append(")");
    }
    prefixes_.append(") p(kind)");
    prefix_table_ = "events x";
    prefix_match_ = "x.kind = p.kind";
    description_ = "kind[" + std::to_string(filter.kinds->size()) + "]";
  } else {
    scan_table_ = "events x";
    scan_where_ = "true";
    description_ = "created_at";
  }
  if (exact_check_) check_suffix_ = "+check";
  description_ += check_suffix_;
}

void FilterSql::drive_by(const nostr::TagFilter& tag) {
  prefixes_ = "(VALUES ";
  for (std::size_t i = 0; i < tag.values.size(); ++i) {
    prefixes_.append(i ? ",(event_tag_key(" : "(event_tag_key(");
    append_text(prefixes_, tag.values[i]);
    prefixes_.append("))");
  }
  prefixes_.append(") p(value)");
  prefix_table_ = "event_tags x";
  prefix_match_ = "x.name = " + letter_literal(tag.letter) + " AND x.value = p.value";
  distinct_ = true;  // an event carrying two of the values appears under both
  description_ = "tag[#" + std::string(1, tag.letter) + " x" + std::to_string(tag.values.size()) + "]";
}

std::string FilterSql::tag_probe() const {
  if (!tag_driven_ || !distinct_ || tags_.size() < 2) return {};
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < tags_.size(); ++i) {
    if (i) sql.append(", ");
    sql.append("(SELECT count(*) FROM (SELECT 1 FROM event_tags x WHERE x.name = ");
    sql.append(letter_literal(tags_[i].letter)).append(" AND x.value IN (").append(tag_keys(tags_[i]));
    sql.append(")").append(range_).append(" LIMIT ").append(std::to_string(kProbeCap)).append(") s)");
  }
  return sql;
}

void FilterSql::drive_by_tag(std::size_t index) {
  if (!tag_driven_ || !distinct_ || index >= tags_.size()) return;
  drive_by(tags_[index]);
  description_ += check_suffix_;
}

std::string FilterSql::driver(const std::optional<PageKey>& after, std::optional<std::size_t> rows) const {
  std::string cursor;
  if (after) {
    cursor = " AND (x.created_at, x.event_id) < (" + std::to_string(after->created_at) + "::bigint, ";
    append_bytea(cursor, after->id);
    cursor.append(")");
  }
  std::string limit = rows ? " LIMIT " + std::to_string(*rows) : std::string();
  if (prefixes_.empty()) {
    std::string sql = "SELECT x.created_at, x.event_id FROM " + scan_table_ + " WHERE " + scan_where_;
    sql.append(range_).append(cursor);
    if (rows) sql.append(kOrder).append(limit);
    return sql;
  }
  std::string sql = distinct_ ? "SELECT DISTINCT " : "SELECT ";
  sql.append("k.created_at, k.event_id FROM ").append(prefixes_);
  sql.append(" CROSS JOIN LATERAL (SELECT x.created_at, x.event_id FROM ").append(prefix_table_);
  sql.append(" WHERE ").append(prefix_match_).append(range_).append(cursor);
  if (rows) sql.append(kOrder).append(limit);
  sql.append(") k");
  if (rows) sql.append(" ORDER BY 1 DESC, 2 DESC").append(limit);
  return sql;
}

std::string FilterSql::page(const std::optional<PageKey>& after, std::size_t rows) const {
  // The lateral subquery with LIMIT 1 cannot be flattened into a join, so each driver row is one
  // primary-key probe into the one partition its created_at names (run-time pruning), rather than a
  // hash join over every partition that the planner may prefer when it misjudges the driver's rows.
  std::string sql =
      "SELECT d.created_at, encode(d.event_id, 'hex'), encode(e.pubkey, 'hex'), e.kind, e.raw FROM (";
  sql.append(driver(after, rows));
  sql.append(") d CROSS JOIN LATERAL (SELECT e.pubkey, e.kind, CASE WHEN ");
  sql.append(conditions_);
  sql.append(
      " THEN e.raw END AS raw FROM events e WHERE e.created_at = d.created_at AND e.event_id = d.event_id "
      "LIMIT 1) e ORDER BY d.created_at DESC, d.event_id DESC");
  return sql;
}

std::string FilterSql::all_matching() const {
  // The same one probe per driver row as a page, for the same reason.
  std::string sql = "SELECT d.created_at, d.event_id FROM (";
  sql.append(driver(std::nullopt, std::nullopt));
  sql.append(") d CROSS JOIN LATERAL (SELECT 1 FROM events e WHERE e.created_at = d.created_at ");
  sql.append("AND e.event_id = d.event_id AND ").append(conditions_).append(" LIMIT 1) e");
  return sql;
}

}  // namespace pleb::store::pg
