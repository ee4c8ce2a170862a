#pragma once
// Relay-to-client messages, classified by scanning rather than parsing: the benchmark reads hundreds of
// thousands of them a second and needs only the type, the first field and, for EVENT, the id.
#include <string_view>

namespace pleb::load {

enum class ReplyType { kEvent, kOk, kEose, kClosed, kNotice, kAuth, kCount, kOther };

struct Reply {
  ReplyType type = ReplyType::kOther;
  std::string_view first;   // EVENT/EOSE/CLOSED/COUNT: subscription id; OK: event id; NOTICE/AUTH: text
  bool accepted = false;    // OK only
  std::string_view detail;  // OK/CLOSED: the reason; EVENT: the event object
};

// For messages as relays write them: no whitespace between tokens, no escapes in the first field
// (ids are hex, and the benchmark picks its own subscription ids).
Reply classify_reply(std::string_view message);

// The "id" of an event object, or empty.
std::string_view event_id_of(std::string_view event_json);

}  // namespace pleb::load
