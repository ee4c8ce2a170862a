#include "services/moderation/held_store.hpp"

#include "nostr/bytes.hpp"
#include "services/moderation/migrations.hpp"

namespace pleb::moderation {
namespace {

using soci::into;
using soci::use;

const char* status_text(HeldStatus status) {
  switch (status) {
    case HeldStatus::kHeld:
      return "held";
    case HeldStatus::kApproved:
      return "approved";
    case HeldStatus::kRejected:
      return "rejected";
  }
  return "held";
}

HeldStatus stored_status(const std::string& text) {
  if (text == "approved") return HeldStatus::kApproved;
  if (text == "rejected") return HeldStatus::kRejected;
  return HeldStatus::kHeld;
}

constexpr const char* kColumns =
    "SELECT id, pubkey, kind, created_at, json, reason, held_at, status FROM held_events ";

// One row's columns, bound once to a statement and read after each fetch.
struct Row {
  std::string id, pubkey, json, reason, status;
  long long kind = 0, created_at = 0, held_at = 0;

  // Binds the columns of kColumns, then the parameters, and prepares `query`.
  template <typename... Uses>
  soci::statement prepare(soci::session& sql, const std::string& query, Uses&&... uses) {
    soci::statement st(sql);
    st.exchange(into(id));
    st.exchange(into(pubkey));
    st.exchange(into(kind));
    st.exchange(into(created_at));
    st.exchange(into(json));
    st.exchange(into(reason));
    st.exchange(into(held_at));
    st.exchange(into(status));
    (st.exchange(std::forward<Uses>(uses)), ...);
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    return st;
  }
  std::optional<HeldEvent> event() const {
    auto key = nostr::parse_hex_lower<32>(id);
    auto author = nostr::parse_hex_lower<32>(pubkey);
    if (!key || !author) return std::nullopt;  // written by this service only; never malformed
    return HeldEvent{*key,
                     *author,
                     static_cast<std::uint32_t>(kind),
                     created_at,
                     json,
                     reason,
                     held_at,
                     stored_status(status)};
  }
};

}  // namespace

HeldStore::HeldStore(store::ServiceDb& db) : db_(db) {
  db_.migrate(kServiceName, moderation_migrations());
}

HeldStore::Insert HeldStore::insert(const nostr::Event& event, std::string_view json, std::string_view reason,
                                    std::int64_t now) {
  std::string id = nostr::to_hex(event.id), pubkey = nostr::to_hex(event.pubkey);
  std::string text(json), why(reason);
  long long kind = event.kind, created_at = event.created_at, held_at = now;
  return db_.write([&](soci::session& sql) {
    soci::statement st =
        (sql.prepare << "INSERT INTO held_events (id, pubkey, kind, created_at, json, reason, "
                        "held_at) VALUES (:id, :pk, :kind, :created, :json, :reason, :held) "
                        "ON CONFLICT (id) DO NOTHING",
         use(id), use(pubkey), use(kind), use(created_at), use(text), use(why), use(held_at));
    st.execute(true);
    return st.get_affected_rows() > 0 ? Insert::kInserted : Insert::kAlreadyThere;
  });
}

std::size_t HeldStore::waiting() {
  return db_.read([&](soci::session& sql) {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM held_events WHERE status = 'held'", into(count);
    return static_cast<std::size_t>(count);
  });
}

std::optional<HeldEvent> HeldStore::find(const nostr::Bytes32& id) {
  std::string key = nostr::to_hex(id);
  return db_.read([&](soci::session& sql) -> std::optional<HeldEvent> {
    Row row;
    soci::statement st = row.prepare(sql, std::string(kColumns) + "WHERE id = :id", use(key));
    st.execute();
    if (!st.fetch()) return std::nullopt;
    return row.event();
  });
}

bool HeldStore::decide(const nostr::Bytes32& id, HeldStatus status, std::int64_t now) {
  std::string key = nostr::to_hex(id), text = status_text(status);
  long long decided = now;
  return db_.write([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "UPDATE held_events SET status = :status, decided_at = :decided "
                                         "WHERE id = :id AND status = 'held'",
                          use(text), use(decided), use(key));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

void HeldStore::reopen(const nostr::Bytes32& id) {
  std::string key = nostr::to_hex(id);
  db_.write([&](soci::session& sql) {
    sql << "UPDATE held_events SET status = 'held', decided_at = 0 WHERE id = :id", use(key);
  });
}

std::vector<HeldEvent> HeldStore::waiting_after(const std::optional<Position>& after, std::size_t limit) {
  // Keyset pagination, as for members: stable while events are held and decided.
  long long after_held = after ? after->held_at : -1;
  long long after_held_again = after_held;
  std::string after_id = after ? nostr::to_hex(after->id) : std::string();
  int max_rows = static_cast<int>(limit);
  return db_.read([&](soci::session& sql) {
    std::vector<HeldEvent> events;
    Row row;
    soci::statement st =
        row.prepare(sql,
                    std::string(kColumns) +
                        "WHERE status = 'held' AND (held_at > :after_held OR (held_at = :after_held_again "
                        "AND id > :after_id)) ORDER BY held_at, id LIMIT :max_rows",
                    use(after_held), use(after_held_again), use(after_id), use(max_rows));
    st.execute();
    while (st.fetch()) {
      if (auto event = row.event()) events.push_back(std::move(*event));
    }
    return events;
  });
}

std::vector<HeldEvent> HeldStore::due(std::int64_t held_before, std::size_t limit) {
  long long before = held_before;
  int max_rows = static_cast<int>(limit);
  return db_.read([&](soci::session& sql) {
    std::vector<HeldEvent> events;
    Row row;
    soci::statement st =
        row.prepare(sql,
                    std::string(kColumns) +
                        "WHERE status = 'held' AND held_at <= :before AND NOT EXISTS (SELECT 1 FROM "
                        "held_events r WHERE r.pubkey = held_events.pubkey AND r.status = 'rejected') "
                        "ORDER BY held_at, id LIMIT :max_rows",
                    use(before), use(max_rows));
    st.execute();
    while (st.fetch()) {
      if (auto event = row.event()) events.push_back(std::move(*event));
    }
    return events;
  });
}

}  // namespace pleb::moderation
