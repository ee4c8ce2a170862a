#include "services/users/nip05_name.hpp"

namespace pleb::users {
namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string nip05_name_error(std::string_view text) {
  if (text.empty()) return "a name has at least one character";
  if (text.size() > kMaxNameLength) return "a name has at most 50 characters";
  for (char c : text) {
    if (!allowed(lower(c))) return "a name uses only a-z, 0-9, '-', '_' and '.'";
  }
  return {};
}

std::optional<std::string> normalize_nip05_name(std::string_view text) {
  if (!nip05_name_error(text).empty()) return std::nullopt;
  std::string name(text);
  for (char& c : name) c = lower(c);
  return name;
}

}  // namespace pleb::users
