// NIP-01 canonical serialization: exact escaping, ids that agree with an independent implementation
// (nostr-tools, tests/data/events-nostr-tools.jsonl) and parse -> serialize -> parse identity.
#include <gtest/gtest.h>

#include <fstream>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

std::string escaped(std::string_view value) {
  std::string out;
  append_json_string(out, value);
  return out;
}

TEST(JsonString, EscapesQuoteBackslashAndTheShortControlForms) {
  EXPECT_EQ(escaped("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(escaped("\n\r\t\b\f"), R"("\n\r\t\b\f")");
}

TEST(JsonString, EveryOtherControlCharacterUsesTheLowercaseUnicodeForm) {
  for (int c = 0; c < 0x20; ++c) {
    std::string input(1, static_cast<char>(c));
    std::string out = escaped(input);
    switch (c) {
      case '\n':
        EXPECT_EQ(out, "\"\\n\"");
        break;
      case '\r':
        EXPECT_EQ(out, "\"\\r\"");
        break;
      case '\t':
        EXPECT_EQ(out, "\"\\t\"");
        break;
      case '\b':
        EXPECT_EQ(out, "\"\\b\"");
        break;
      case '\f':
        EXPECT_EQ(out, "\"\\f\"");
        break;
      default: {
        char expected[16];
        std::snprintf(expected, sizeof expected, "\"\\u%04x\"", c);
        EXPECT_EQ(out, expected) << "control character " << c;
      }
    }
  }
}

TEST(JsonString, DelSlashAndUnicodeAreWrittenAsIs) {
  EXPECT_EQ(escaped("\x7f"), "\"\x7f\"");
  EXPECT_EQ(escaped("a/b"), "\"a/b\"");
  EXPECT_EQ(escaped("\u2028\u2029"), "\"\u2028\u2029\"");
  EXPECT_EQ(escaped("😀🤙"), "\"😀🤙\"");
  EXPECT_EQ(escaped(""), "\"\"");
  EXPECT_EQ(escaped(std::string_view("a\0b", 3)), "\"a\\u0000b\"");
}

// The escaping as NIP-01 states it, one byte at a time: what the word-at-a-time writer must equal.
std::string escaped_byte_by_byte(std::string_view value) {
  std::string out = "\"";
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", c);
          out += code;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

TEST(JsonString, EveryByteValueAtEveryPlaceOfAWordIsWrittenAsOneByteAtATimeWouldBe) {
  // Lengths around the eight-byte steps, each byte value at each offset, among bytes that need no escape
  // and among UTF-8 continuation bytes (high bit set, which the word test must not mistake).
  for (const char filler : {'a', '\xa0'}) {
    for (std::size_t length = 1; length <= 19; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        for (int c = 0; c < 256; ++c) {
          std::string input(length, filler);
          input[at] = static_cast<char>(c);
          ASSERT_EQ(escaped(input), escaped_byte_by_byte(input))
              << "length " << length << " at " << at << " byte " << c;
        }
      }
    }
  }
  const std::string mixed = "tab\there \"quoted\" back\\slash \x01\x1f end of a longer line of text\n";
  EXPECT_EQ(escaped(mixed), escaped_byte_by_byte(mixed));
}

TEST(Canonical, LayoutIsTheNip01Array) {
  Event event;
  event.pubkey = *parse_hex_lower<32>("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9");
  event.created_at = 1700000000;
  event.kind = 1;
  event.tags = {{"e", ""}, {""}, {}};
  event.content = "hi\n";
  EXPECT_EQ(canonical_serialization(event),
            "[0,\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\",1700000000,1,"
            "[[\"e\",\"\"],[\"\"],[]],\"hi\\n\"]");
}

struct Vector {
  std::string name;
  std::string event_json;
};

std::vector<Vector> nostr_tools_events() {
  std::ifstream file(std::string(PLEB_TEST_DATA) + "/events-nostr-tools.jsonl");
  std::vector<Vector> out;
  std::string line;
  while (std::getline(file, line)) {
    // {"name":"...","event":{...}}: the event object is everything after "event": up to the last brace.
    auto name_start = line.find("\"name\":\"") + 8;
    auto name_end = line.find('"', name_start);
    auto event_start = line.find("\"event\":") + 8;
    out.push_back({line.substr(name_start, name_end - name_start),
                   line.substr(event_start, line.size() - event_start - 1)});
  }
  return out;
}

TEST(Canonical, IdsAgreeWithNostrTools) {
  auto vectors = nostr_tools_events();
  ASSERT_EQ(vectors.size(), 10u);
  EventLimits limits;
  for (const auto& v : vectors) {
    auto event = parse_event(v.event_json, limits);
    ASSERT_TRUE(event) << v.name << ": " << event.error();
    EXPECT_EQ(compute_id(*event), event->id) << v.name;
    EXPECT_TRUE(verify_event(*event)) << v.name;
  }
}

TEST(Canonical, ParseSerializeParseIsIdentity) {
  for (const auto& v : nostr_tools_events()) {
    auto first = parse_event(v.event_json);
    ASSERT_TRUE(first) << v.name;
    std::string json = to_json(*first);
    auto second = parse_event(json);
    ASSERT_TRUE(second) << v.name << ": " << second.error();
    EXPECT_EQ(*first, *second) << v.name;
    EXPECT_EQ(to_json(*second), json) << v.name;
  }
}

TEST(Canonical, SignedEventsWithEveryByteValueRoundTrip) {
  SecretKey key = generate_secret_key();
  Event event;
  event.created_at = 1;
  event.kind = 30023;
  for (int c = 1; c < 0x80; ++c) event.content.push_back(static_cast<char>(c));
  event.content += "\u2028😀é";
  event.tags = {{"d", event.content}, {"", ""}};
  ASSERT_TRUE(sign_event(event, key));
  auto parsed = parse_and_verify_event(to_json(event));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(*parsed, event);
}

TEST(Canonical, VeryLongContent) {
  SecretKey key = generate_secret_key();
  Event event;
  event.kind = 1;
  event.content.assign(120000, 'z');
  ASSERT_TRUE(sign_event(event, key));
  auto parsed = parse_and_verify_event(to_json(event));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->content.size(), 120000u);
}

}  // namespace
}  // namespace pleb::nostr
