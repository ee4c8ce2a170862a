#include "reply.hpp"

namespace pleb::load {
namespace {

// Reads a JSON string starting at `at` (on its opening quote); moves `at` past the closing quote.
// Escapes are skipped over, not decoded: callers use the raw text only as a key or for display.
std::string_view read_string(std::string_view text, std::size_t& at) {
  if (at >= text.size() || text[at] != '"') return {};
  std::size_t begin = ++at;
  while (at < text.size() && text[at] != '"') at += text[at] == '\\' ? 2 : 1;
  if (at >= text.size()) return {};
  return text.substr(begin, at++ - begin);
}

}  // namespace

Reply classify_reply(std::string_view message) {
  Reply reply;
  if (message.size() < 4 || message[0] != '[') return reply;
  std::size_t at = 1;
  std::string_view type = read_string(message, at);
  if (at < message.size() && message[at] == ',') ++at;
  if (type == "EVENT") {
    reply.type = ReplyType::kEvent;
    reply.first = read_string(message, at);
    if (at < message.size() && message[at] == ',') ++at;
    if (message.back() == ']' && at < message.size())
      reply.detail = message.substr(at, message.size() - 1 - at);
  } else if (type == "OK") {
    reply.type = ReplyType::kOk;
    reply.first = read_string(message, at);
    if (at < message.size() && message[at] == ',') ++at;
    reply.accepted = message.substr(at, 4) == "true";
    if (auto quote = message.find('"', at); quote != std::string_view::npos) {
      at = quote;
      reply.detail = read_string(message, at);
    }
  } else if (type == "EOSE") {
    reply.type = ReplyType::kEose;
    reply.first = read_string(message, at);
  } else if (type == "CLOSED") {
    reply.type = ReplyType::kClosed;
    reply.first = read_string(message, at);
    if (at < message.size() && message[at] == ',') ++at;
    reply.detail = read_string(message, at);
  } else if (type == "NOTICE" || type == "AUTH") {
    reply.type = type == "AUTH" ? ReplyType::kAuth : ReplyType::kNotice;
    reply.first = read_string(message, at);
  } else if (type == "COUNT") {
    reply.type = ReplyType::kCount;
    reply.first = read_string(message, at);
  }
  return reply;
}

std::string_view event_id_of(std::string_view event_json) {
  constexpr std::string_view kKey = "\"id\":\"";
  auto at = event_json.find(kKey);
  if (at == std::string_view::npos || at + kKey.size() + 64 > event_json.size()) return {};
  return event_json.substr(at + kKey.size(), 64);
}

}  // namespace pleb::load
