#include "services/moderation/ban_store.hpp"

#include "nostr/sha256.hpp"
#include "services/moderation/migrations.hpp"

namespace pleb::moderation {
namespace {

using soci::into;
using soci::use;

constexpr const char* kColumns = "SELECT type, value, shadow, reason, banned_by, banned_at, purge FROM bans ";

struct Row {
  std::string type, value, reason, banned_by;
  int shadow = 0;
  long long banned_at = 0;
  int purge = 0;

  template <typename... Uses>
  soci::statement prepare(soci::session& sql, const std::string& query, Uses&&... uses) {
    soci::statement st(sql);
    st.exchange(into(type));
    st.exchange(into(value));
    st.exchange(into(shadow));
    st.exchange(into(reason));
    st.exchange(into(banned_by));
    st.exchange(into(banned_at));
    st.exchange(into(purge));
    (st.exchange(std::forward<Uses>(uses)), ...);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    return st;
  }
  std::optional<Ban> ban() const {
    auto kind = ban_type_from_name(type);
    auto moderator = nostr::parse_hex_lower<32>(banned_by);
    if (!kind || !moderator) return std::nullopt;  // written by this service only; never malformed
    return Ban{*kind, value, shadow != 0, reason, *moderator, banned_at, purge != 0};
  }
};

}  // namespace

std::string_view ban_type_name(BanType type) {
  switch (type) {
    case BanType::kPubkey:
      return "pubkey";
    case BanType::kEvent:
      return "event";
    case BanType::kAddress:
      return "address";
  }
  return "pubkey";
}

std::optional<BanType> ban_type_from_name(std::string_view name) {
  if (name == "pubkey") return BanType::kPubkey;
  if (name == "event") return BanType::kEvent;
  if (name == "address") return BanType::kAddress;
  return std::nullopt;
}

nostr::Bytes32 ban_key(BanType type, std::string_view value) {
  std::string text(ban_type_name(type));
  text.push_back(':');
  text.append(value);
  return nostr::sha256(text);
}

BanStore::BanStore(store::ServiceDb& db) : db_(db) {
  db_.migrate(kServiceName, moderation_migrations());
}

bool BanStore::insert(const Ban& ban) {
  std::string id = nostr::to_hex(ban_key(ban.type, ban.value)), type(ban_type_name(ban.type));
  std::string value = ban.value, reason = ban.reason, by = nostr::to_hex(ban.banned_by);
  int shadow = ban.shadow ? 1 : 0, purge = ban.purge ? 1 : 0;
  long long at = ban.banned_at;
  return db_.write([&](soci::session& sql) {
    soci::statement st =
        (sql.prepare << "INSERT INTO bans (id, type, value, shadow, reason, banned_by, banned_at, purge) "
                        "VALUES (:id, :type, :value, :shadow, :reason, :by, :at, :purge) "
                        "ON CONFLICT DO NOTHING",
         use(id), use(type), use(value), use(shadow), use(reason), use(by), use(at), use(purge));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

std::optional<Ban> BanStore::remove(BanType type, const std::string& value) {
  std::string id = nostr::to_hex(ban_key(type, value));
  return db_.write([&](soci::session& sql) -> std::optional<Ban> {
    Row row;
    soci::statement st = row.prepare(sql, std::string(kColumns) + "WHERE id = :id", use(id));
    st.execute();
    if (!st.fetch()) return std::nullopt;
    auto ban = row.ban();
    sql << "DELETE FROM bans WHERE id = :id", use(id);
    return ban;
  });
}

std::vector<Ban> BanStore::after(const std::optional<Position>& after, std::optional<BanType> type,
                                 std::size_t limit) {
  // Keyset pagination, as for the held events: stable while bans are made and lifted.
  long long after_at = after ? after->banned_at : -1;
  long long after_at_again = after_at;
  std::string after_id = after ? nostr::to_hex(after->key) : std::string();
  std::string type_name = type ? std::string(ban_type_name(*type)) : std::string();
  int max_rows = static_cast<int>(limit);
  std::string query = std::string(kColumns) +
                      "WHERE (banned_at > :after_at OR (banned_at = :after_at_again AND id > :after_id)) ";
  if (type) query.append("AND type = :type ");
  query.append("ORDER BY banned_at, id LIMIT :max_rows");
  return db_.read([&](soci::session& sql) {
    std::vector<Ban> bans;
    Row row;
    soci::statement st =
        type ? row.prepare(sql, query, use(after_at), use(after_at_again), use(after_id), use(type_name),
                           use(max_rows))
             : row.prepare(sql, query, use(after_at), use(after_at_again), use(after_id), use(max_rows));
    st.execute();
    while (st.fetch()) {
      if (auto ban = row.ban()) bans.push_back(std::move(*ban));
    }
    return bans;
  });
}

}  // namespace pleb::moderation
