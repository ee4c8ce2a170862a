#include "processor/plugin_protocol.hpp"

#include <simdjson.h>

#include "nostr/json_writer.hpp"

namespace pleb::processor {
namespace {

// "word: ..." where word is lowercase letters and dashes, as NIP-01 prefixes are.
bool has_prefix(std::string_view message) {
  auto colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : message.substr(0, colon)) {
    if (!(c >= 'a' && c <= 'z') && c != '-') return false;
  }
  return true;
}

}  // namespace

std::string plugin_request(const nostr::Event& event, const EventSource& source) {
  std::string line;
  line.reserve(256 + event.content.size());
  line.append(R"({"type":"new","event":)");
  nostr::append_json(line, event);
  line.append(R"(,"receivedAt":)").append(std::to_string(source.now));
  line.append(R"(,"sourceType":)");
  nostr::append_json_string(line, source.type);
  line.append(R"(,"sourceInfo":)");
  nostr::append_json_string(line, source.info);
  line.append(R"(,"authed":")");
  if (source.authed_pubkey)
    nostr::append_hex(line, source.authed_pubkey->data(), source.authed_pubkey->size());
  line.append("\"}\n");
  return line;
}

nostr::Result<PluginAnswer> parse_plugin_answer(std::string_view line) {
  using Failure = nostr::Result<PluginAnswer>;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) {
    return Failure::failure("not JSON");
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) return Failure::failure("not a JSON object");
  std::string_view id, action, msg;
  if (object["id"].get(id) != simdjson::SUCCESS) return Failure::failure("no \"id\" string");
  if (object["action"].get(action) != simdjson::SUCCESS) return Failure::failure("no \"action\" string");
  auto msg_field = object["msg"];
  if (msg_field.error() == simdjson::SUCCESS && !msg_field.is_null() &&
      msg_field.get(msg) != simdjson::SUCCESS) {
    return Failure::failure("\"msg\" is not a string");
  }
  PluginAnswer answer{std::string(id), {}};
  if (action == "accept") {
    answer.decision = Decision::accept();
  } else if (action == "shadowReject") {
    answer.decision = Decision::shadow_reject("plugin");
  } else if (action == "reject") {
    std::string message;
    if (msg.empty()) {
      message = "blocked: rejected by the relay's write policy";
    } else if (!has_prefix(msg)) {
      message.append("blocked: ").append(msg);
    } else {
      message = msg;
    }
    answer.decision = Decision::reject(std::move(message), "plugin");
  } else {
    return Failure::failure("unknown action");
  }
  return answer;
}

}  // namespace pleb::processor
