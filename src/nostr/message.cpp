#include "nostr/message.hpp"

#include "nostr/json_reader.hpp"
#include "nostr/json_writer.hpp"

namespace pleb::nostr {
namespace {

using Reply = MessageError::Reply;

MessageError error(Reply reply, std::string id, std::string reason) {
  return MessageError{reply, std::move(id), std::move(reason)};
}

// When an event is malformed the OK answer still needs its id: take it if it is well-formed.
std::string event_id_if_present(simdjson::dom::element element) {
  std::string_view id;
  if (element["id"].get_string().get(id) || id.size() != 64) return {};
  Bytes32 bytes;
  if (!from_hex_lower(id, bytes.data(), bytes.size())) return {};
  return std::string(id);
}

ClientMessage parse_event_message(simdjson::dom::array array, const MessageLimits& limits, bool auth) {
  const char* verb = auth ? "AUTH" : "EVENT";
  if (array.size() != 2) {
    return error(Reply::kNotice, {}, std::string("invalid: ") + verb + " must be [\"" + verb + "\",<event>]");
  }
  simdjson::dom::element element = array.at(1).value_unsafe();
  auto event = json::event_from_element(element, limits.event);
  if (!event) {
    std::string id = event_id_if_present(element);
    return error(id.empty() ? Reply::kNotice : Reply::kOk, id, "invalid: " + event.error());
  }
  if (auth) return AuthMessage{std::move(event).value()};
  return EventMessage{std::move(event).value()};
}

template <typename Message>
ClientMessage parse_subscription(simdjson::dom::array array, const MessageLimits& limits,
                                 std::string_view verb, Reply reply) {
  std::string usage = "invalid: " + std::string(verb) + " must be [\"" + std::string(verb) +
                      "\",<subscription id>,<filter>...]";
  if (array.size() < 2) return error(Reply::kNotice, {}, usage);
  std::string_view sub_id;
  if (array.at(1).get_string().get(sub_id)) return error(Reply::kNotice, {}, usage);
  if (sub_id.empty() || sub_id.size() > limits.max_subscription_id_length) {
    return error(reply, std::string(sub_id),
                 "invalid: subscription id must be 1 to " +
                     std::to_string(limits.max_subscription_id_length) + " characters");
  }
  if (array.size() < 3) return error(reply, std::string(sub_id), "invalid: at least one filter is required");
  if (array.size() - 2 > limits.max_filters) {
    return error(reply, std::string(sub_id),
                 "invalid: too many filters (at most " + std::to_string(limits.max_filters) + ")");
  }
  Message message;
  message.subscription_id = sub_id;
  std::size_t index = 0;
  for (simdjson::dom::element element : array) {
    if (index++ < 2) continue;
    auto filter = json::filter_from_element(element, limits.filter);
    if (!filter) return error(reply, std::string(sub_id), "invalid: " + filter.error());
    message.filters.push_back(std::move(filter).value());
  }
  return message;
}

}  // namespace

ClientMessage parse_client_message(std::string_view text, const MessageLimits& limits) {
  auto root = json::parse_document(text, limits.max_depth);
  if (!root) return error(Reply::kNotice, {}, "invalid: " + root.error());
  simdjson::dom::array array;
  if (root->get_array().get(array)) return error(Reply::kNotice, {}, "invalid: message must be a JSON array");
  std::string_view verb;
  if (array.size() == 0 || array.at(0).get_string().get(verb)) {
    return error(Reply::kNotice, {}, "invalid: message must start with a verb string");
  }
  if (verb == "EVENT") return parse_event_message(array, limits, false);
  if (verb == "REQ") return parse_subscription<ReqMessage>(array, limits, verb, Reply::kClosed);
  if (verb == "COUNT") return parse_subscription<CountMessage>(array, limits, verb, Reply::kClosed);
  if (verb == "CLOSE") {
    std::string_view sub_id;
    if (array.size() != 2 || array.at(1).get_string().get(sub_id)) {
      return error(Reply::kNotice, {}, "invalid: CLOSE must be [\"CLOSE\",<subscription id>]");
    }
    return CloseMessage{std::string(sub_id)};
  }
  if (verb == "AUTH") return parse_event_message(array, limits, true);
  std::string shown(verb.substr(0, 32));
  return error(Reply::kNotice, {}, "invalid: unknown message type " + std::string(shown));
}

std::string ok_message(std::string_view event_id_hex, bool accepted, std::string_view reason) {
  std::string out = "[\"OK\",";
  append_json_string(out, event_id_hex);
  out.append(accepted ? ",true," : ",false,");
  append_json_string(out, reason);
  out.push_back(']');
  return out;
}

std::string event_message_prefix(std::string_view subscription_id) {
  std::string out = "[\"EVENT\",";
  append_json_string(out, subscription_id);
  out.push_back(',');
  return out;
}

std::string event_message(std::string_view subscription_id, std::string_view event_json) {
  std::string out;
  out.reserve(event_json.size() + subscription_id.size() + 16);
  out = event_message_prefix(subscription_id);
  out.append(event_json);
  out.push_back(']');
  return out;
}

namespace {
std::string with_id(std::string_view verb, std::string_view id) {
  std::string out = "[\"";
  out.append(verb).append("\",");
  append_json_string(out, id);
  return out;
}
}  // namespace

std::string eose_message(std::string_view subscription_id) {
  return with_id("EOSE", subscription_id) + "]";
}

std::string closed_message(std::string_view subscription_id, std::string_view reason) {
  std::string out = with_id("CLOSED", subscription_id);
  out.push_back(',');
  append_json_string(out, reason);
  out.push_back(']');
  return out;
}

std::string notice_message(std::string_view text) {
  return with_id("NOTICE", text) + "]";
}

std::string count_message(std::string_view subscription_id, std::uint64_t count) {
  return with_id("COUNT", subscription_id) + ",{\"count\":" + std::to_string(count) + "}]";
}

std::string auth_challenge_message(std::string_view challenge) {
  return with_id("AUTH", challenge) + "]";
}

}  // namespace pleb::nostr
