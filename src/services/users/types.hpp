#pragma once
// The user service's values: accounts, memberships, profile fields, and the ways an operation fails.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/api/router.hpp"
#include "nostr/bytes.hpp"

namespace pleb::users {

using api::Role;

// Joins pieces of a message with append (g++ 12 -O3 misreads chains of string operator+ as overlapping
// copies and fails the release build with -Wrestrict).
inline std::string join_text(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out.append(part);
  return out;
}

struct Membership {
  Role role = Role::kMember;
  std::int64_t joined_at = 0;
};

struct Account {
  nostr::Bytes32 pubkey{};
  std::string display_name;
  std::string about;
  std::string picture;
  std::optional<std::string> nip05;  // the claimed name, lowercase
  std::optional<Membership> membership;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// The profile as a whole (a kind-0 event replaces all of it).
struct ProfileFields {
  std::string display_name;
  std::string about;
  std::string picture;
};

// A partial update (PATCH): absent fields stay as they are; an empty string clears.
struct ProfilePatch {
  std::optional<std::string> display_name;
  std::optional<std::string> about;
  std::optional<std::string> picture;
};

struct Member {
  nostr::Bytes32 pubkey{};
  Role role = Role::kMember;
  std::int64_t joined_at = 0;
  std::string display_name;
  std::optional<std::string> nip05;
};

struct MemberPage {
  std::vector<Member> members;
  std::optional<std::string> next_cursor;  // absent on the last page
};

struct NameAvailability {
  std::string name;  // normalized
  bool available = false;
  std::string reason;  // "taken" or "reserved" when not available
  std::optional<nostr::Bytes32> owner;
};

// Why an operation did not happen. Each maps to one HTTP status in the routes.
enum class Failure {
  kInvalid,   // malformed or out-of-range input (422)
  kReserved,  // a NIP-05 name the operator keeps (409)
  kTaken,     // a NIP-05 name someone else holds (409)
  kConflict,  // the request contradicts the current state (409)
  kNotFound,  // no such account, name or membership (404)
};

struct Problem {
  Failure failure;
  std::string detail;
};

// A value, or the Problem that prevented it.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}            // NOLINT: implicit by design
  Outcome(Problem problem) : state_(std::move(problem)) {}  // NOLINT: implicit by design
  explicit operator bool() const { return state_.index() == 0; }
  const T& value() const { return std::get<0>(state_); }
  const T& operator*() const { return value(); }
  const T* operator->() const { return &value(); }
  const Problem& problem() const { return std::get<1>(state_); }

 private:
  std::variant<T, Problem> state_;
};

}  // namespace pleb::users
