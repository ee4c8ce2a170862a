#pragma once
// NIP-01 messages between clients and relays: parsing what clients send, formatting what relays send.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace pleb::nostr {

struct MessageLimits {
  EventLimits event;
  FilterLimits filter;
  std::size_t max_filters = 10;
  std::size_t max_subscription_id_length = 64;
  std::size_t max_depth = 16;
};

struct EventMessage {
  Event event;
};
struct ReqMessage {
  std::string subscription_id;
  std::vector<Filter> filters;
};
struct CountMessage {
  std::string subscription_id;
  std::vector<Filter> filters;
};
struct CloseMessage {
  std::string subscription_id;
};
struct AuthMessage {
  Event event;
};

// A message that could not be accepted, with how to answer it: OK false for an EVENT whose id is known,
// CLOSED for a REQ/COUNT whose subscription id is known, NOTICE otherwise.
struct MessageError {
  enum class Reply { kNotice, kOk, kClosed };
  Reply reply = Reply::kNotice;
  std::string id;      // event id (hex) or subscription id, when known
  std::string reason;  // with its NIP-01 prefix, e.g. "invalid: kind must be an integer"
};

using ClientMessage =
    std::variant<EventMessage, ReqMessage, CountMessage, CloseMessage, AuthMessage, MessageError>;

ClientMessage parse_client_message(std::string_view text, const MessageLimits& limits = {});

// Relay-to-client messages. Strings are escaped; event JSON is inserted as given.
std::string ok_message(std::string_view event_id_hex, bool accepted, std::string_view reason);
std::string event_message(std::string_view subscription_id, std::string_view event_json);
// `["EVENT","<subscription id>",`: with the event JSON and "]" after it, an event message, sent in parts.
std::string event_message_prefix(std::string_view subscription_id);
std::string eose_message(std::string_view subscription_id);
std::string closed_message(std::string_view subscription_id, std::string_view reason);
std::string notice_message(std::string_view text);
std::string count_message(std::string_view subscription_id, std::uint64_t count);
std::string auth_challenge_message(std::string_view challenge);

}  // namespace pleb::nostr
