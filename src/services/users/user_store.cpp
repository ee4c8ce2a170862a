#include "services/users/user_store.hpp"

#include "services/users/migrations.hpp"

namespace pleb::users {
namespace {

using soci::into;
using soci::use;

// Thrown inside a transaction to roll it back when an insert lost a race.
struct LostRace {};

Role stored_role(const std::string& text) {
  // The CHECK constraint admits only the three names.
  return api::role_from_name(text).value_or(Role::kMember);
}

std::string role_string(Role role) {
  return std::string(api::role_name(role));
}

}  // namespace

void UserStore::migrate() {
  db_.migrate(kServiceName, user_migrations());
}

bool UserStore::account_exists(const nostr::Bytes32& pubkey) {
  std::string pk = nostr::to_hex(pubkey);
  return db_.read([&](soci::session& sql) {
    int found = 0;
    sql << "SELECT COUNT(*) FROM accounts WHERE pubkey = :pk", into(found), use(pk);
    return found > 0;
  });
}

UserStore::AccountState UserStore::account_state(const nostr::Bytes32& pubkey) {
  std::string pk = nostr::to_hex(pubkey);
  return db_.read([&](soci::session& sql) {
    AccountState state;
    std::string role;
    long long joined = 0;
    soci::indicator role_ind = soci::i_null, joined_ind = soci::i_null;
    sql << "SELECT m.role, m.joined_at FROM accounts a LEFT JOIN members m ON m.pubkey = a.pubkey "
           "WHERE a.pubkey = :pk",
        into(role, role_ind), into(joined, joined_ind), use(pk);
    state.exists = sql.got_data();
    if (state.exists && role_ind == soci::i_ok) state.membership = Membership{stored_role(role), joined};
    return state;
  });
}

bool UserStore::create_account(const nostr::Bytes32& pubkey, std::int64_t now) {
  std::string pk = nostr::to_hex(pubkey);
  long long created = now, updated = now;
  return db_.write([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "INSERT INTO accounts (pubkey, created_at, updated_at) "
                                         "VALUES (:pk, :created, :updated) ON CONFLICT DO NOTHING",
                          use(pk), use(created), use(updated));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

std::optional<Account> UserStore::account(const nostr::Bytes32& pubkey) {
  std::string pk = nostr::to_hex(pubkey);
  return db_.read([&](soci::session& sql) -> std::optional<Account> {
    Account account;
    account.pubkey = pubkey;
    long long created = 0, updated = 0, joined = 0;
    std::string name, role;
    soci::indicator name_ind = soci::i_null, role_ind = soci::i_null, joined_ind = soci::i_null;
    sql << "SELECT a.display_name, a.about, a.picture, a.created_at, a.updated_at, n.name, m.role, "
           "m.joined_at "
           "FROM accounts a LEFT JOIN nip05_names n ON n.pubkey = a.pubkey "
           "LEFT JOIN members m ON m.pubkey = a.pubkey WHERE a.pubkey = :pk",
        into(account.display_name), into(account.about), into(account.picture), into(created), into(updated),
        into(name, name_ind), into(role, role_ind), into(joined, joined_ind), use(pk);
    if (!sql.got_data()) return std::nullopt;
    account.created_at = created;
    account.updated_at = updated;
    if (name_ind == soci::i_ok) account.nip05 = name;
    if (role_ind == soci::i_ok) account.membership = Membership{stored_role(role), joined};
    return account;
  });
}

bool UserStore::update_profile(const nostr::Bytes32& pubkey, const ProfilePatch& patch, std::int64_t now) {
  std::string pk = nostr::to_hex(pubkey);
  long long updated = now;
  return db_.write([&](soci::session& sql) {
    int found = 0;
    sql << "SELECT COUNT(*) FROM accounts WHERE pubkey = :pk", into(found), use(pk);
    if (found == 0) return false;
    auto set = [&](const char* column, const std::optional<std::string>& value) {
      if (!value) return;
      sql << "UPDATE accounts SET " << column << " = :value WHERE pubkey = :pk", use(*value), use(pk);
    };
    set("display_name", patch.display_name);
    set("about", patch.about);
    set("picture", patch.picture);
    sql << "UPDATE accounts SET updated_at = :updated WHERE pubkey = :pk", use(updated), use(pk);
    return true;
  });
}

bool UserStore::apply_profile_event(const nostr::Bytes32& pubkey, const ProfileFields& fields,
                                    std::int64_t event_created_at, std::int64_t now) {
  std::string pk = nostr::to_hex(pubkey);
  long long event_at = event_created_at, event_at_again = event_created_at, updated = now;
  return db_.write([&](soci::session& sql) {
    // One conditional statement: of two events racing, the newer one ends up applied.
    soci::statement st =
        (sql.prepare
             << "UPDATE accounts SET display_name = :display_name, about = :about, picture = :picture, "
                "profile_event_at = :event_at, updated_at = :updated "
                "WHERE pubkey = :pk AND profile_event_at < :event_at_again",
         use(fields.display_name), use(fields.about), use(fields.picture), use(event_at), use(updated),
         use(pk), use(event_at_again));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

UserStore::Claim UserStore::claim_name(const nostr::Bytes32& pubkey, const std::string& name,
                                       std::int64_t now) {
  std::string pk = nostr::to_hex(pubkey);
  long long claimed = now;
  try {
    return db_.write([&](soci::session& sql) {
      std::string owner;
      sql << "SELECT pubkey FROM nip05_names WHERE name = :name", into(owner), use(name);
      if (sql.got_data()) return owner == pk ? Claim::kAlreadyYours : Claim::kTaken;
      int found = 0;
      sql << "SELECT COUNT(*) FROM accounts WHERE pubkey = :pk", into(found), use(pk);
      if (found == 0) return Claim::kNoAccount;
      sql << "DELETE FROM nip05_names WHERE pubkey = :pk", use(pk);
      // A concurrent claim of the same name (or by the same pubkey) makes this insert a no-op; the
      // transaction then rolls back, so the old name is not released either.
      soci::statement st = (sql.prepare << "INSERT INTO nip05_names (name, pubkey, claimed_at) "
                                           "VALUES (:name, :pk, :claimed) ON CONFLICT DO NOTHING",
                            use(name), use(pk), use(claimed));
      st.execute(true);
      if (st.get_affected_rows() == 0) throw LostRace{};
      return Claim::kClaimed;
    });
  } catch (const LostRace&) {
    auto owner = name_owner(name);
    return owner && *owner != pubkey ? Claim::kTaken : Claim::kRaced;
  }
}

std::optional<std::string> UserStore::release_name(const nostr::Bytes32& pubkey) {
  std::string pk = nostr::to_hex(pubkey);
  return db_.write([&](soci::session& sql) -> std::optional<std::string> {
    std::string name;
    sql << "SELECT name FROM nip05_names WHERE pubkey = :pk", into(name), use(pk);
    if (!sql.got_data()) return std::nullopt;
    sql << "DELETE FROM nip05_names WHERE pubkey = :pk", use(pk);
    return name;
  });
}

std::optional<nostr::Bytes32> UserStore::name_owner(const std::string& name) {
  return db_.read([&](soci::session& sql) -> std::optional<nostr::Bytes32> {
    std::string owner;
    sql << "SELECT pubkey FROM nip05_names WHERE name = :name", into(owner), use(name);
    if (!sql.got_data()) return std::nullopt;
    return nostr::parse_hex_lower<32>(owner);
  });
}

bool UserStore::join(const nostr::Bytes32& pubkey, std::int64_t now) {
  std::string pk = nostr::to_hex(pubkey);
  long long t1 = now, t2 = now, t3 = now, t4 = now;
  return db_.write([&](soci::session& sql) {
    sql << "INSERT INTO accounts (pubkey, created_at, updated_at) VALUES (:pk, :created, :updated) "
           "ON CONFLICT DO NOTHING",
        use(pk), use(t1), use(t2);
    soci::statement st = (sql.prepare << "INSERT INTO members (pubkey, role, joined_at, role_changed_at) "
                                         "VALUES (:pk, 'member', :joined, :changed) ON CONFLICT DO NOTHING",
                          use(pk), use(t3), use(t4));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

bool UserStore::leave(const nostr::Bytes32& pubkey) {
  std::string pk = nostr::to_hex(pubkey);
  return db_.write([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "DELETE FROM members WHERE pubkey = :pk", use(pk));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

std::optional<Membership> UserStore::membership(const nostr::Bytes32& pubkey) {
  std::string pk = nostr::to_hex(pubkey);
  return db_.read([&](soci::session& sql) -> std::optional<Membership> {
    std::string role;
    long long joined = 0;
    sql << "SELECT role, joined_at FROM members WHERE pubkey = :pk", into(role), into(joined), use(pk);
    if (!sql.got_data()) return std::nullopt;
    return Membership{stored_role(role), joined};
  });
}

bool UserStore::set_role(const nostr::Bytes32& pubkey, Role role, std::int64_t now) {
  std::string pk = nostr::to_hex(pubkey);
  std::string text = role_string(role);
  long long changed = now;
  return db_.write([&](soci::session& sql) {
    soci::statement st =
        (sql.prepare << "UPDATE members SET role = :role, role_changed_at = :changed WHERE pubkey = :pk",
         use(text), use(changed), use(pk));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

std::vector<Member> UserStore::members_after(const std::optional<Position>& after, std::size_t limit) {
  // Keyset pagination: stable while members join and leave, and as cheap on page 1000 as on page 1.
  long long after_joined = after ? after->joined_at : -1;
  long long after_joined_again = after_joined;
  std::string after_pk = after ? nostr::to_hex(after->pubkey) : std::string();
  int max_rows = static_cast<int>(limit);
  return db_.read([&](soci::session& sql) {
    std::vector<Member> members;
    std::string pk, role, display_name, name;
    long long joined = 0;
    soci::indicator name_ind = soci::i_null;
    soci::statement st = (sql.prepare << "SELECT m.pubkey, m.role, m.joined_at, a.display_name, n.name "
                                         "FROM members m JOIN accounts a ON a.pubkey = m.pubkey "
                                         "LEFT JOIN nip05_names n ON n.pubkey = m.pubkey "
                                         "WHERE m.joined_at > :after_joined OR (m.joined_at = "
                                         ":after_joined_again AND m.pubkey > :after_pk) "
                                         "ORDER BY m.joined_at, m.pubkey LIMIT :max_rows",
                          into(pk), into(role), into(joined), into(display_name), into(name, name_ind),
                          use(after_joined), use(after_joined_again), use(after_pk), use(max_rows));
    st.execute();
    while (st.fetch()) {
      auto key = nostr::parse_hex_lower<32>(pk);
      if (!key) continue;  // written by this service only; never malformed
      Member member{*key, stored_role(role), joined, display_name, std::nullopt};
      if (name_ind == soci::i_ok) member.nip05 = name;
      members.push_back(std::move(member));
    }
    return members;
  });
}

}  // namespace pleb::users
