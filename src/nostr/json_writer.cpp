#include "nostr/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

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

// Whether any of the eight bytes of `word` is one kEscape escapes: below 0x20, '"' or '\\'. Exact about
// whether there is one (not about which): a byte below n sets its high bit in (x - n per byte) & ~x.
constexpr bool needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  const auto has_below = [](std::uint64_t x, std::uint64_t n) { return (x - kOnes * n) & ~x & kHighs; };
  return (has_below(word, 0x20) | has_below(word ^ (kOnes * '"'), 1) | has_below(word ^ (kOnes * '\\'), 1)) !=
         0;
}

template <typename Int>
void append_integer(std::string& out, Int value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  const char* data = value.data();
  const std::size_t size = value.size();
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < size) {
    // Text rarely needs escaping: skip eight bytes at a time while none of them does.
    if (std::uint64_t word; i + 8 <= size) {
      std::memcpy(&word, data + i, 8);
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    for (const std::size_t end = std::min(size, i + 8); i < end; ++i) {
      const char escape = kEscape[static_cast<unsigned char>(data[i])];
      if (escape == 0) continue;
      out.append(data + run_start, i - run_start);
      out.push_back('\\');
      out.push_back(escape);
      if (escape == 'u') {
        auto c = static_cast<std::uint8_t>(data[i]);
        out.append("00");
        append_hex(out, &c, 1);
      }
      run_start = i + 1;
    }
  }
  out.append(data + run_start, size - run_start);
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
