#include "bus/checks.hpp"

#include <string>

#include "bus/bus.hpp"

namespace pleb::bus {
namespace {

constexpr std::size_t kMaxSubject = 256;

std::string_view next_token(std::string_view& rest) {
  const auto dot = rest.find('.');
  const auto token = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  return token;
}

nostr::Status check_subject(std::string_view subject, bool wildcards) {
  const std::string quoted = "subject \"" + std::string(subject.substr(0, 64)) + "\"";
  if (subject.empty()) return nostr::failed("empty subject");
  if (subject.size() > kMaxSubject) return nostr::failed(quoted + " is longer than 256 bytes");
  std::string_view rest = subject;
  while (true) {
    const bool last = rest.find('.') == std::string_view::npos;
    const auto token = next_token(rest);
    if (token.empty()) return nostr::failed(quoted + " has an empty token");
    for (const char c : token) {
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
        return nostr::failed(quoted + " contains a space or control character");
    }
    if (token == "*" || token == ">") {
      if (!wildcards) return nostr::failed(quoted + " has a wildcard: publish to a concrete subject");
      if (token == ">" && !last) return nostr::failed(quoted + ": `>` must be the last token");
    } else if (token.find_first_of("*>") != std::string_view::npos) {
      return nostr::failed(quoted + ": `*` and `>` must be whole tokens");
    }
    if (last) return nostr::ok_status();
  }
}

}  // namespace

nostr::Status check_publish_subject(std::string_view subject) {
  return check_subject(subject, false);
}

nostr::Status check_subscribe_subject(std::string_view subject) {
  return check_subject(subject, true);
}

nostr::Status check_group(std::string_view group) {
  if (group.empty() || group.size() > 64) return nostr::failed("queue group names have 1 to 64 characters");
  for (const char c : group) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed)
      return nostr::failed("queue group \"" + std::string(group) +
                           "\" may only use letters, digits, - and _");
  }
  return nostr::ok_status();
}

bool subject_matches(std::string_view pattern, std::string_view subject) {
  while (true) {
    const bool pattern_done = pattern.empty();
    const bool subject_done = subject.empty();
    if (pattern_done || subject_done) return pattern_done && subject_done;
    const auto want = next_token(pattern);
    if (want == ">") return true;
    const auto have = next_token(subject);
    if (want != "*" && want != have) return false;
  }
}

nostr::Status check_message(const Message& message, std::size_t max_bytes) {
  std::size_t size = message.payload.size();
  for (const auto& [name, value] : message.headers) {
    if (name.starts_with("Pleb-") || name.starts_with("Nats-")) {
      return nostr::failed("header " + name + " is reserved for the bus");
    }
    if (name.empty() || name.find_first_of(": \r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return nostr::failed(
          "header names are non-empty without `:`, spaces or line breaks; values have no line breaks");
    }
    size += name.size() + value.size() + 4;  // "name: value\r\n", as NATS counts them
  }
  if (size > max_bytes) {
    return nostr::failed("message of " + std::to_string(size) + " bytes is larger than the bus maximum of " +
                         std::to_string(max_bytes) + " bytes");
  }
  return nostr::ok_status();
}

}  // namespace pleb::bus
