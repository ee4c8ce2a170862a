#pragma once
// The user service: accounts created at first sign-in, profiles that follow kind-0 events, NIP-05
// names, and community membership with roles. Transport-free: the routes (routes.hpp) and the
// /.well-known/nostr.json handler (well_known.hpp) translate HTTP to these calls, and the process
// wiring connects on_validated_event to the bus subject `event.validated` and the registered
// callback to `user.registered`.
//
// Thread-safe: every call is a ServiceDb query or transaction.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "http/api/router.hpp"
#include "nostr/event.hpp"
#include "services/users/types.hpp"
#include "services/users/user_store.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::users {

// Names nobody may claim unless the operator removes them from the list.
std::vector<std::string> default_reserved_names();

struct UsersConfig {
  std::vector<std::string> reserved_names = default_reserved_names();  // any case; compared lowercase
  std::vector<nostr::Bytes32> admins;   // the operator's pubkeys: always admin, always members
  std::vector<std::string> relays;      // the "relays" NIP-05 advertises for every name (wss://...)
  std::function<std::int64_t()> clock;  // Unix seconds; the system clock when empty
};

inline constexpr std::size_t kDefaultMemberPage = 50;
inline constexpr std::size_t kMaxMemberPage = 200;

class UserService {
 public:
  // Called once per new account, after it is stored (the wiring publishes `user.registered`).
  using RegisteredCallback = std::function<void(const nostr::Bytes32& pubkey)>;
  // Called after someone becomes a member (true) or stops being one (false), once the change is stored (the
  // wiring updates the write policy's members, or publishes `user.membership`). A role change is neither.
  using MembershipCallback = std::function<void(const nostr::Bytes32& pubkey, bool member)>;

  // Runs the service's migrations; throws store::ServiceDbError when the database is unusable.
  UserService(store::ServiceDb& db, UsersConfig config, RegisteredCallback on_registered = {},
              MembershipCallback on_membership = {});

  // The account of a pubkey that just authenticated exists afterwards; true when it was created now.
  bool sign_in(const nostr::Bytes32& pubkey);
  // Role and membership of an authenticated pubkey (signing it in). Configured admins are admins.
  api::Principal resolve(const nostr::Bytes32& pubkey);
  api::RoleResolver role_resolver();
  bool is_configured_admin(const nostr::Bytes32& pubkey) const;

  std::optional<Account> account(const nostr::Bytes32& pubkey);
  Outcome<Account> update_profile(const nostr::Bytes32& pubkey, const ProfilePatch& patch);
  // For `event.validated`: a kind-0 event of a known account, newer than the last one applied,
  // replaces the profile. Anything else is ignored; never throws.
  void on_validated_event(const nostr::Event& event) noexcept;

  // Claims `requested` (any case; stored lowercase) for `pubkey`, releasing its previous name.
  // Returns the name now held. kInvalid, kReserved, kTaken; kConflict when a concurrent change of
  // the same pubkey's name got in the way (try again).
  Outcome<std::string> claim_name(const nostr::Bytes32& pubkey, std::string_view requested);
  // Returns the released name; kNotFound when `pubkey` held none.
  Outcome<std::string> release_name(const nostr::Bytes32& pubkey);
  Outcome<NameAvailability> name_availability(std::string_view requested);
  // The holder of a name for NIP-05 lookups; nullopt for unknown and invalid names.
  std::optional<nostr::Bytes32> lookup_name(std::string_view requested);
  const std::vector<std::string>& relays() const { return config_.relays; }

  struct Joined {
    Membership membership;
    bool created = false;  // false: was already a member
  };
  Joined join(const nostr::Bytes32& pubkey);
  // kNotFound when not a member; kConflict for a configured admin (configuration decides).
  Outcome<bool> leave(const nostr::Bytes32& pubkey);
  std::optional<Membership> membership(const nostr::Bytes32& pubkey);
  // kNotFound when `pubkey` is not a member; kConflict for a configured admin.
  Outcome<Membership> set_role(const nostr::Bytes32& pubkey, Role role);
  // `limit` 1..kMaxMemberPage; `cursor` is a previous page's next_cursor (kInvalid when malformed).
  Outcome<MemberPage> members(std::size_t limit, std::string_view cursor);
  // Every member's pubkey (bounded by `max`, the first who joined first) and the configured admins: the
  // write policy's members.
  std::vector<nostr::Bytes32> member_pubkeys(std::size_t max = 100000);

 private:
  std::int64_t now() const;
  // Creates the account; true (and the registered callback called) when this call created it.
  bool register_account(const nostr::Bytes32& pubkey);
  Membership effective(const nostr::Bytes32& pubkey, std::optional<Membership> stored,
                       std::int64_t since) const;

  UserStore store_;
  UsersConfig config_;
  void tell_membership(const nostr::Bytes32& pubkey, bool member) const;

  RegisteredCallback on_registered_;
  MembershipCallback on_membership_;
  std::unordered_set<std::string> reserved_;  // lowercase
};

}  // namespace pleb::users
