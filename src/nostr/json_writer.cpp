#include "nostr/json_writer.hpp"

#include <charconv>

#include "nostr/sha256.hpp"

namespace pleb::nostr {
namespace {

// 0 = write as is; otherwise the character after the backslash ('u' = \u00XX form).
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}
constexpr auto kEscape = make_escape_table();

template <typename Int>
void append_integer(std::string& out, Int value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char escape = kEscape[static_cast<unsigned char>(value[i])];
    if (escape == 0) continue;
    out.append(value.data() + run_start, i - run_start);
    out.push_back('\\');
    out.push_back(escape);
    if (escape == 'u') {
      auto c = static_cast<std::uint8_t>(value[i]);
      out.append("00");
      append_hex(out, &c, 1);
    }
    run_start = i + 1;
  }
  out.append(value.data() + run_start, value.size() - run_start);
  out.push_back('"');
}

void append_tags(std::string& out, const std::vector<Tag>& tags) {
  out.push_back('[');
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('[');
    for (std::size_t j = 0; j < tags[i].size(); ++j) {
      if (j) out.push_back(',');
      append_json_string(out, tags[i][j]);
    }
    out.push_back(']');
  }
  out.push_back(']');
}

void append_canonical_serialization(std::string& out, const Event& event) {
  out.append("[0,\"");
  append_hex(out, event.pubkey.data(), event.pubkey.size());
  out.append("\",");
  append_integer(out, event.created_at);
  out.push_back(',');
  append_integer(out, event.kind);
  out.push_back(',');
  append_tags(out, event.tags);
  out.push_back(',');
  append_json_string(out, event.content);
  out.push_back(']');
}

std::string canonical_serialization(const Event& event) {
  std::string out;
  out.reserve(160 + event.content.size() + event.tags.size() * 80);
  append_canonical_serialization(out, event);
  return out;
}

Bytes32 compute_id(const Event& event) {
  thread_local std::string buffer;
  buffer.clear();
  append_canonical_serialization(buffer, event);
  return sha256(buffer);
}

void append_json(std::string& out, const Event& event) {
  out.append("{\"id\":\"");
  append_hex(out, event.id.data(), event.id.size());
  out.append("\",\"pubkey\":\"");
  append_hex(out, event.pubkey.data(), event.pubkey.size());
  out.append("\",\"created_at\":");
  append_integer(out, event.created_at);
  out.append(",\"kind\":");
  append_integer(out, event.kind);
  out.append(",\"tags\":");
  append_tags(out, event.tags);
  out.append(",\"content\":");
  append_json_string(out, event.content);
  out.append(",\"sig\":\"");
  append_hex(out, event.sig.data(), event.sig.size());
  out.append("\"}");
}

std::string to_json(const Event& event) {
  std::string out;
  out.reserve(320 + event.content.size() + event.tags.size() * 80);
  append_json(out, event);
  return out;
}

}  // namespace pleb::nostr
