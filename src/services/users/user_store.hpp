#pragma once
// The user service's tables (accounts, nip05_names, members) read and written through ServiceDb.
// Every method is one statement or one transaction; concurrent callers (threads or processes) see
// each other's effects as the database orders them, so two claims of one name never both win.
#include <cstdint>
#include <optional>
#include <string>

#include "services/users/types.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::users {

class UserStore {
 public:
  explicit UserStore(store::ServiceDb& db) : db_(db) {}

  // Runs the service's migrations (start-up).
  void migrate();

  bool account_exists(const nostr::Bytes32& pubkey);
  // Whether the account exists and its membership, in one query (asked on every authenticated request).
  struct AccountState {
    bool exists = false;
    std::optional<Membership> membership;
  };
  AccountState account_state(const nostr::Bytes32& pubkey);
  // True when this call created the account (false: it existed).
  bool create_account(const nostr::Bytes32& pubkey, std::int64_t now);
  std::optional<Account> account(const nostr::Bytes32& pubkey);

  // False when there is no such account.
  bool update_profile(const nostr::Bytes32& pubkey, const ProfilePatch& patch, std::int64_t now);
  // Replaces the profile when `event_created_at` is newer than the last applied kind-0 event.
  // False when there is no such account or the event is not newer.
  bool apply_profile_event(const nostr::Bytes32& pubkey, const ProfileFields& fields,
                           std::int64_t event_created_at, std::int64_t now);

  enum class Claim { kClaimed, kAlreadyYours, kTaken, kNoAccount, kRaced };
  // Gives `name` (normalized) to `pubkey`, releasing the name it held, all or nothing.
  Claim claim_name(const nostr::Bytes32& pubkey, const std::string& name, std::int64_t now);
  // The name `pubkey` held, now released; nullopt when it held none.
  std::optional<std::string> release_name(const nostr::Bytes32& pubkey);
  std::optional<nostr::Bytes32> name_owner(const std::string& name);

  // True when `pubkey` became a member now (false: it already was). Creates the account if needed.
  bool join(const nostr::Bytes32& pubkey, std::int64_t now);
  bool leave(const nostr::Bytes32& pubkey);
  std::optional<Membership> membership(const nostr::Bytes32& pubkey);
  // False when `pubkey` is not a member.
  bool set_role(const nostr::Bytes32& pubkey, Role role, std::int64_t now);

  // Members in the order they joined, after the position `after` (nullopt: from the start).
  struct Position {
    std::int64_t joined_at = 0;
    nostr::Bytes32 pubkey{};
  };
  std::vector<Member> members_after(const std::optional<Position>& after, std::size_t limit);

 private:
  store::ServiceDb& db_;
};

}  // namespace pleb::users
