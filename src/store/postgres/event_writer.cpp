#include "store/postgres/event_writer.hpp"

#include "nostr/json_writer.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/sql_text.hpp"

namespace pleb::store::pg {
namespace {

template <std::size_t N>
std::array<std::uint8_t, N> bytes_from_hex(const pqxx::field& field) {
  auto parsed = nostr::parse_hex_lower<N>(field.c_str());
  if (!parsed) throw std::runtime_error("malformed key read back from the database");
  return *parsed;
}

std::string binary_from_hex(const pqxx::field& field) {
  auto parsed = nostr::parse_hex_vector(field.c_str());
  if (!parsed) throw std::runtime_error("malformed address read back from the database");
  return std::string(parsed->begin(), parsed->end());
}

void append_event_row(std::string& sql, const NewEvent& row, std::int64_t now) {
  const nostr::Event& e = *row.event;
  sql.append("(").append(std::to_string(e.created_at)).append(",");
  append_bytea(sql, e.id);
  sql.append(",");
  append_bytea(sql, e.pubkey);
  sql.append(",").append(std::to_string(e.kind)).append(",");
  append_text(sql, e.content);
  sql.append(",");
  append_text(sql, tags_json_for_sql(e.tags));
  sql.append("::jsonb,");
  append_bytea(sql, e.sig);
  sql.append(",");
  append_text(sql, nostr::to_json(e));
  sql.append(",").append(row.expiration ? std::to_string(*row.expiration) : "NULL").append(",");
  if (row.address.empty()) {
    sql.append("NULL");
  } else {
    append_bytea(sql, row.address);
  }
  sql.append(",").append(std::to_string(now)).append(")");
}

std::string insert_sql(const WritePlan& plan, std::int64_t now, TagIndex tag_index) {
  std::string rows;
  for (const auto& row : plan.inserts) {
    if (row.removed) continue;
    if (!rows.empty()) rows.append(",\n");
    append_event_row(rows, row, now);
  }
  if (rows.empty()) return {};
  std::string sql =
      "WITH ins AS (INSERT INTO events (created_at, event_id, pubkey, kind, content, tags, sig, raw, "
      "expiration, address, received_at) VALUES\n";
  sql.append(rows).append("\nRETURNING created_at, event_id, tags)");
  if (tag_index == TagIndex::kSideTable) {
    // Exactly the tags a NIP-01 "#x" filter can match: a one-character name and a value.
    sql.append(
        ", tagged AS (INSERT INTO event_tags (name, value, created_at, event_id) "
        "SELECT DISTINCT el->>0, event_tag_key(el->>1), ins.created_at, ins.event_id "
        "FROM ins, jsonb_array_elements(ins.tags) el "
        "WHERE jsonb_array_length(el) >= 2 AND octet_length(el->>0) = 1)");
  }
  sql.append(" INSERT INTO event_ids (event_id, created_at) SELECT event_id, created_at FROM ins;\n");
  return sql;
}

}  // namespace

KnownState lock_and_load(pqxx::work& txn, const BatchKeys& keys) {
  std::string sql = "SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ");\n";
  // One query, four kinds of rows: (what, key, time, other key, kind, address).
  std::string ids = bytea_list(keys.ids);
  std::string own_ids = bytea_list(keys.own_ids);
  std::string addresses = bytea_list(keys.addresses);
  sql.append(
      "SELECT 'e', encode(i.event_id, 'hex'), i.created_at, encode(e.pubkey, 'hex'), e.kind, "
      "encode(e.address, 'hex') FROM event_ids i JOIN events e "
      "ON e.created_at = i.created_at AND e.event_id = i.event_id WHERE i.event_id IN (" +
      ids + ")");
  // The versions now stored at the batch's addresses: replacing or deleting one removes it.
  if (!addresses.empty()) {
    sql.append(" OR i.event_id IN (SELECT event_id FROM event_addresses WHERE address IN (" + addresses +
               "))");
  }
  sql.append(
      " UNION ALL SELECT 't', encode(event_id, 'hex'), NULL, encode(deleter, 'hex'), NULL, NULL "
      "FROM event_deleted_ids WHERE event_id IN (" +
      own_ids + ")");
  if (!addresses.empty()) {
    sql.append(
        " UNION ALL SELECT 'a', encode(address, 'hex'), up_to, NULL, NULL, NULL "
        "FROM event_deleted_addresses WHERE address IN (" +
        addresses + ")");
    sql.append(
        " UNION ALL SELECT 'h', encode(address, 'hex'), created_at, encode(event_id, 'hex'), NULL, NULL "
        "FROM event_addresses WHERE address IN (" +
        addresses + ")");
  }

  KnownState state;
  for (const auto& row : txn.exec(sql)) {
    switch (row[0].c_str()[0]) {
      case 'e': {
        KnownEvent known;
        known.created_at = row[2].as<std::int64_t>();
        known.pubkey = bytes_from_hex<32>(row[3]);
        known.kind = row[4].as<std::uint32_t>();
        if (!row[5].is_null()) known.address = binary_from_hex(row[5]);
        state.events.emplace(bytes_from_hex<32>(row[1]), std::move(known));
        break;
      }
      case 't':
        state.deleted_ids.emplace(bytes_from_hex<32>(row[1]), bytes_from_hex<32>(row[3]));
        break;
      case 'a':
        state.deleted_addresses.emplace(binary_from_hex(row[1]), row[2].as<std::int64_t>());
        break;
      case 'h':
        state.holders.emplace(binary_from_hex(row[1]),
                              Holder{bytes_from_hex<32>(row[3]), row[2].as<std::int64_t>()});
        break;
    }
  }
  return state;
}

std::string removal_sql(const std::string& source, TagIndex tag_index) {
  std::string sql = "WITH gone AS (DELETE FROM events e USING (" + source +
                    ") r(created_at, event_id) WHERE e.created_at = r.created_at AND e.event_id = r.event_id "
                    "RETURNING e.created_at, e.event_id, e.tags, e.address)";
  if (tag_index == TagIndex::kSideTable) {
    sql.append(
        ", untagged AS (DELETE FROM event_tags t USING gone, jsonb_array_elements(gone.tags) el "
        "WHERE t.name = el->>0 AND t.value = event_tag_key(el->>1) AND t.created_at = gone.created_at "
        "AND t.event_id = gone.event_id)");
  }
  sql.append(
      ", unaddressed AS (DELETE FROM event_addresses a USING gone "
      "WHERE a.address = gone.address AND a.event_id = gone.event_id)"
      ", unlisted AS (DELETE FROM event_ids i USING gone WHERE i.event_id = gone.event_id)"
      " SELECT count(*) FROM gone");
  return sql;
}

void apply_plan(pqxx::work& txn, const WritePlan& plan, std::int64_t now, TagIndex tag_index) {
  // Several statements in one simple-protocol round trip; they run in order inside the transaction.
  std::string sql;
  if (!plan.removals.empty()) {
    std::string source = "VALUES ";
    for (std::size_t i = 0; i < plan.removals.size(); ++i) {
      if (i) source.push_back(',');
      source.append("(").append(std::to_string(plan.removals[i].first)).append("::bigint,");
      append_bytea(source, plan.removals[i].second);
      source.append(")");
    }
    sql.append(removal_sql(source, tag_index)).append(";\n");
  }
  sql.append(insert_sql(plan, now, tag_index));
  if (!plan.new_holders.empty()) {
    sql.append("INSERT INTO event_addresses (address, event_id, created_at) VALUES ");
    for (std::size_t i = 0; i < plan.new_holders.size(); ++i) {
      const auto& [address, holder] = plan.new_holders[i];
      if (i) sql.push_back(',');
      sql.append("(");
      append_bytea(sql, address);
      sql.append(",");
      append_bytea(sql, holder.id);
      sql.append(",").append(std::to_string(holder.created_at)).append(")");
    }
    sql.append(
        " ON CONFLICT (address) DO UPDATE SET event_id = EXCLUDED.event_id, "
        "created_at = EXCLUDED.created_at;\n");
  }
  if (!plan.new_deleted_ids.empty()) {
    sql.append("INSERT INTO event_deleted_ids (event_id, deleter) VALUES ");
    for (std::size_t i = 0; i < plan.new_deleted_ids.size(); ++i) {
      if (i) sql.push_back(',');
      sql.append("(");
      append_bytea(sql, plan.new_deleted_ids[i].first);
      sql.append(",");
      append_bytea(sql, plan.new_deleted_ids[i].second);
      sql.append(")");
    }
    sql.append(" ON CONFLICT DO NOTHING;\n");
  }
  if (!plan.new_deleted_addresses.empty()) {
    sql.append("INSERT INTO event_deleted_addresses (address, up_to) VALUES ");
    bool first = true;
    for (const auto& [address, up_to] : plan.new_deleted_addresses) {
      if (!first) sql.push_back(',');
      first = false;
      sql.append("(");
      append_bytea(sql, address);
      sql.append(",").append(std::to_string(up_to)).append(")");
    }
    sql.append(
        " ON CONFLICT (address) DO UPDATE SET up_to = GREATEST(event_deleted_addresses.up_to, "
        "EXCLUDED.up_to);\n");
  }
  if (!sql.empty()) txn.exec(sql);
}

}  // namespace pleb::store::pg
