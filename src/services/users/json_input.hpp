#pragma once
// The JSON the user service reads: request bodies and kind-0 content. simdjson stays in this file's
// translation unit; callers get plain values or the reason the input was refused.
#include <optional>
#include <string>
#include <string_view>

#include "services/users/types.hpp"

namespace pleb::users {

// Why a body was refused: kMalformed is not JSON or not an object (400); kInvalid is JSON of the
// wrong shape: unknown field, wrong type (422).
struct BodyError {
  enum Kind { kMalformed, kInvalid } kind;
  std::string detail;
};

template <typename T>
struct Parsed {
  std::optional<T> value;
  std::optional<BodyError> error;
};

// {"display_name": "...", "about": "...", "picture": "..."}: any subset; null clears a field.
Parsed<ProfilePatch> parse_profile_patch(std::string_view body);
// {"name": "alice"} (the name as typed; validated elsewhere).
Parsed<std::string> parse_name_body(std::string_view body);
// {"role": "moderator"}
Parsed<Role> parse_role_body(std::string_view body);

// The profile in a kind-0 event's content; display_name falls back to "name". nullopt when the
// content is not a JSON object. Fields of the wrong type count as absent.
std::optional<ProfileFields> parse_profile_content(std::string_view content);

}  // namespace pleb::users
