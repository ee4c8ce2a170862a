#include "services/users/user_service.hpp"

#include <algorithm>
#include <chrono>

#include "services/keyset_cursor.hpp"
#include "services/users/json_input.hpp"
#include "services/users/nip05_name.hpp"
#include "services/users/profile.hpp"

namespace pleb::users {
namespace {

constexpr std::uint32_t kMetadataKind = 0;

// Cursor: the joined_at and pubkey of the last member of the previous page.
std::string encode_cursor(const Member& last) {
  return services::encode_keyset_cursor(last.joined_at, last.pubkey);
}

std::optional<UserStore::Position> decode_cursor(std::string_view cursor) {
  auto position = services::decode_keyset_cursor(cursor);
  if (!position || position->time < 0) return std::nullopt;
  return UserStore::Position{position->time, position->key};
}

}  // namespace

std::vector<std::string> default_reserved_names() {
  return {"_",       "admin",    "administrator", "root", "abuse", "postmaster", "hostmaster", "webmaster",
          "support", "security", "info",          "help", "www",   "mail",       "api",        "relay",
          "nostr",   "noreply",  "moderator",     "mod",  "staff", "system"};
}

UserService::UserService(store::ServiceDb& db, UsersConfig config, RegisteredCallback on_registered,
                         MembershipCallback on_membership)
    : store_(db),
      config_(std::move(config)),
      on_registered_(std::move(on_registered)),
      on_membership_(std::move(on_membership)) {
  for (const std::string& name : config_.reserved_names) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    reserved_.insert(std::move(lower));
  }
  store_.migrate();
}

std::int64_t UserService::now() const {
  if (config_.clock) return config_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool UserService::is_configured_admin(const nostr::Bytes32& pubkey) const {
  return std::find(config_.admins.begin(), config_.admins.end(), pubkey) != config_.admins.end();
}

Membership UserService::effective(const nostr::Bytes32& pubkey, std::optional<Membership> stored,
                                  std::int64_t since) const {
  Membership membership = stored.value_or(Membership{Role::kAdmin, since});
  if (is_configured_admin(pubkey)) membership.role = Role::kAdmin;
  return membership;
}

void UserService::tell_membership(const nostr::Bytes32& pubkey, bool member) const {
  if (!on_membership_) return;
  try {
    on_membership_(pubkey, member);
  } catch (...) {
    // Best effort, as for registrations: the membership is stored, and followers re-read the members.
  }
}

bool UserService::sign_in(const nostr::Bytes32& pubkey) {
  // Most sign-ins are of known accounts: a read, not a write transaction.
  if (store_.account_exists(pubkey)) return false;
  return register_account(pubkey);
}

bool UserService::register_account(const nostr::Bytes32& pubkey) {
  if (!store_.create_account(pubkey, now())) return false;  // a concurrent sign-in created it
  if (on_registered_) {
    try {
      on_registered_(pubkey);
    } catch (...) {
      // Publishing is best effort; the account exists either way.
    }
  }
  return true;
}

api::Principal UserService::resolve(const nostr::Bytes32& pubkey) {
  api::Principal principal;
  principal.pubkey = pubkey;
  auto state = store_.account_state(pubkey);
  if (!state.exists) register_account(pubkey);  // a new account has no membership yet
  if (is_configured_admin(pubkey)) {
    principal.role = Role::kAdmin;
    principal.is_member = true;
  } else if (state.membership) {
    principal.role = state.membership->role;
    principal.is_member = true;
  }
  return principal;
}

api::RoleResolver UserService::role_resolver() {
  return [this](const nostr::Bytes32& pubkey) { return resolve(pubkey); };
}

std::optional<Account> UserService::account(const nostr::Bytes32& pubkey) {
  auto account = store_.account(pubkey);
  if (account && is_configured_admin(pubkey)) {
    account->membership = effective(pubkey, account->membership, account->created_at);
  }
  return account;
}

Outcome<Account> UserService::update_profile(const nostr::Bytes32& pubkey, const ProfilePatch& patch) {
  if (auto error = profile_patch_error(patch); !error.empty()) return Problem{Failure::kInvalid, error};
  sign_in(pubkey);
  store_.update_profile(pubkey, patch, now());
  auto updated = account(pubkey);
  if (!updated) return Problem{Failure::kNotFound, "no account for this pubkey"};
  return *updated;
}

void UserService::on_validated_event(const nostr::Event& event) noexcept {
  if (event.kind != kMetadataKind) return;
  try {
    if (!store_.account_exists(event.pubkey)) return;
    auto fields = parse_profile_content(event.content);
    if (!fields) return;
    store_.apply_profile_event(event.pubkey, sanitize_profile(std::move(*fields)), event.created_at, now());
  } catch (...) {
    // A profile update that fails now is applied with the member's next kind-0 event.
  }
}

Outcome<std::string> UserService::claim_name(const nostr::Bytes32& pubkey, std::string_view requested) {
  auto name = normalize_nip05_name(requested);
  if (!name) return Problem{Failure::kInvalid, nip05_name_error(requested)};
  if (reserved_.contains(*name))
    return Problem{Failure::kReserved, join_text({"\"", *name, "\" is reserved"})};
  sign_in(pubkey);
  switch (store_.claim_name(pubkey, *name, now())) {
    case UserStore::Claim::kClaimed:
    case UserStore::Claim::kAlreadyYours:
      return *name;
    case UserStore::Claim::kTaken:
      return Problem{Failure::kTaken, join_text({"\"", *name, "\" is taken"})};
    case UserStore::Claim::kNoAccount:
      return Problem{Failure::kNotFound, "no account for this pubkey"};
    case UserStore::Claim::kRaced:
      break;
  }
  return Problem{Failure::kConflict,
                 "another change of this pubkey's name happened at the same time; try again"};
}

Outcome<std::string> UserService::release_name(const nostr::Bytes32& pubkey) {
  auto released = store_.release_name(pubkey);
  if (!released) return Problem{Failure::kNotFound, "this pubkey holds no name"};
  return *released;
}

Outcome<NameAvailability> UserService::name_availability(std::string_view requested) {
  auto name = normalize_nip05_name(requested);
  if (!name) return Problem{Failure::kInvalid, nip05_name_error(requested)};
  NameAvailability availability;
  availability.name = *name;
  if (reserved_.contains(*name)) {
    availability.reason = "reserved";
  } else if (auto owner = store_.name_owner(*name)) {
    availability.reason = "taken";
    availability.owner = owner;
  } else {
    availability.available = true;
  }
  return availability;
}

std::optional<nostr::Bytes32> UserService::lookup_name(std::string_view requested) {
  auto name = normalize_nip05_name(requested);
  if (!name) return std::nullopt;
  return store_.name_owner(*name);
}

UserService::Joined UserService::join(const nostr::Bytes32& pubkey) {
  sign_in(pubkey);
  Joined joined;
  joined.created = store_.join(pubkey, now());
  if (joined.created) tell_membership(pubkey, true);
  joined.membership = effective(pubkey, store_.membership(pubkey), now());
  return joined;
}

Outcome<bool> UserService::leave(const nostr::Bytes32& pubkey) {
  if (is_configured_admin(pubkey)) {
    return Problem{Failure::kConflict, "a configured admin is a member by configuration; change pleb.toml"};
  }
  if (!store_.leave(pubkey)) return Problem{Failure::kNotFound, "not a member"};
  tell_membership(pubkey, false);
  return true;
}

std::optional<Membership> UserService::membership(const nostr::Bytes32& pubkey) {
  auto stored = store_.membership(pubkey);
  if (!stored && !is_configured_admin(pubkey)) return std::nullopt;
  return effective(pubkey, stored, now());
}

Outcome<Membership> UserService::set_role(const nostr::Bytes32& pubkey, Role role) {
  if (is_configured_admin(pubkey)) {
    return Problem{Failure::kConflict,
                   "a configured admin's role comes from configuration; change pleb.toml"};
  }
  if (!store_.set_role(pubkey, role, now())) return Problem{Failure::kNotFound, "not a member"};
  auto membership = store_.membership(pubkey);
  if (!membership) return Problem{Failure::kNotFound, "not a member"};  // left meanwhile
  return *membership;
}

Outcome<MemberPage> UserService::members(std::size_t limit, std::string_view cursor) {
  if (limit < 1 || limit > kMaxMemberPage) return Problem{Failure::kInvalid, "limit is between 1 and 200"};
  std::optional<UserStore::Position> after;
  if (!cursor.empty()) {
    after = decode_cursor(cursor);
    if (!after) return Problem{Failure::kInvalid, "cursor is not one this service gave out"};
  }
  MemberPage page;
  page.members = store_.members_after(after, limit + 1);
  if (page.members.size() > limit) {
    page.members.resize(limit);
    page.next_cursor = encode_cursor(page.members.back());
  }
  for (Member& member : page.members) {
    if (is_configured_admin(member.pubkey)) member.role = Role::kAdmin;
  }
  return page;
}

std::vector<nostr::Bytes32> UserService::member_pubkeys(std::size_t max) {
  std::vector<nostr::Bytes32> pubkeys(config_.admins.begin(), config_.admins.end());
  std::optional<UserStore::Position> after;
  for (;;) {
    auto page = store_.members_after(after, kMaxMemberPage);
    for (const Member& member : page) {
      if (pubkeys.size() >= max) return pubkeys;
      if (!is_configured_admin(member.pubkey)) pubkeys.push_back(member.pubkey);
    }
    if (page.size() < kMaxMemberPage) return pubkeys;
    after = UserStore::Position{page.back().joined_at, page.back().pubkey};
  }
}

}  // namespace pleb::users
