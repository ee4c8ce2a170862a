// Fuzzes what the REST API reads from a request before any handler runs or inside one: the target
// (percent-decoded segments and query), route matching, keyset cursors, and the user service's JSON
// bodies and kind-0 content, and ban values. The first byte picks the parser; every input is parsed or
// refused cleanly.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/api/route_pattern.hpp"
#include "services/keyset_cursor.hpp"
#include "services/moderation/ban_service.hpp"

#include "services/users/json_input.hpp"

namespace {

template <typename T>
void check(const pleb::users::Parsed<T>& parsed) {
  // Exactly one of a value or an error with its detail.
  if (parsed.value.has_value() == parsed.error.has_value()) std::abort();
  if (parsed.error && parsed.error->detail.empty()) std::abort();
}

void target(std::string_view input) {
  static const pleb::api::RoutePattern pattern("/api/v1/users/{pubkey}/names/{name}");
  auto parsed = pleb::api::parse_target(input);
  if (!parsed) return;
  for (const auto& segment : parsed->segments) {
    if (segment.find('\0') != std::string::npos) std::abort();
  }
  std::map<std::string, std::string> params;
  if (pattern.match(parsed->segments, params) && params.size() != 2) std::abort();
}

void cursor(std::string_view input) {
  auto position = pleb::services::decode_keyset_cursor(input);
  if (!position) return;
  // A cursor that decodes was made by the encoder: it must come out the same.
  if (pleb::services::encode_keyset_cursor(position->time, position->key) != input) std::abort();
}

// A ban's value (hex, npub, note, IPv4 or IPv6 address): refused with a reason, or canonical, so that one
// ban has one row however it was typed.
void ban_value(std::string_view input) {
  for (auto type : {pleb::moderation::BanType::kPubkey, pleb::moderation::BanType::kEvent,
                    pleb::moderation::BanType::kAddress}) {
    std::string problem;
    auto value = pleb::moderation::canonical_ban_value(type, input, problem);
    if (!value) {
      if (problem.empty()) std::abort();
      continue;
    }
    auto again = pleb::moderation::canonical_ban_value(type, *value, problem);
    if (!again || *again != *value) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      target(input);
      break;
    case 1:
      cursor(input);
      break;
    case 2:
      check(pleb::users::parse_profile_patch(input));
      break;
    case 3:
      check(pleb::users::parse_name_body(input));
      break;
    case 4:
      check(pleb::users::parse_role_body(input));
      break;
    case 5:
      (void)pleb::users::parse_profile_content(input);
      break;
    default:
      ban_value(input);
  }
  return 0;
}
