#pragma once
// NIP-05 local parts as this service accepts them: a-z, 0-9, '-', '_', '.'; 1 to 50 characters.
// NIP-05 makes the local part case-insensitive, so input in any case is accepted and lowered:
// "Alice" claims, finds and conflicts with "alice". Anything else is invalid, never altered.
#include <optional>
#include <string>
#include <string_view>

namespace pleb::users {

inline constexpr std::size_t kMaxNameLength = 50;

// The lowercase name, or nullopt when `text` is not a valid name in any case.
std::optional<std::string> normalize_nip05_name(std::string_view text);
// Why `text` is not a valid name, for the error message (empty when it is valid).
std::string nip05_name_error(std::string_view text);

}  // namespace pleb::users
