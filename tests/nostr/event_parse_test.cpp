// Every class of malformed event gets a precise error; these texts become the relay's `invalid:` reasons.
#include <gtest/gtest.h>

#include <utility>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

const std::string kId = std::string(64, 'a');
const std::string kPubkey = std::string(64, 'b');
const std::string kSig = std::string(128, 'c');

using Fields = std::vector<std::pair<std::string, std::string>>;  // key, raw JSON value

Fields valid_fields() {
  return {{"id", '"' + kId + '"'},          {"pubkey", '"' + kPubkey + '"'},
          {"created_at", "1700000000"},     {"kind", "1"},
          {"tags", R"([["e","x"],["p"]])"}, {"content", R"("hello")"},
          {"sig", '"' + kSig + '"'}};
}

std::string to_object(const Fields& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ",";
    out += '"' + key + "\":" + value;
  }
  return out + "}";
}

std::string with(const std::string& key, const std::string& value) {
  Fields fields = valid_fields();
  for (auto& field : fields) {
    if (field.first == key) field.second = value;
  }
  return to_object(fields);
}

std::string without(const std::string& key) {
  Fields fields = valid_fields();
  std::erase_if(fields, [&](const auto& field) { return field.first == key; });
  return to_object(fields);
}

std::string error_of(const std::string& json, const EventLimits& limits = {}) {
  auto result = parse_event(json, limits);
  EXPECT_FALSE(result) << json;
  return result.error();
}

TEST(EventParse, AcceptsAWellFormedEvent) {
  auto event = parse_event(to_object(valid_fields()));
  ASSERT_TRUE(event) << event.error();
  EXPECT_EQ(to_hex(event->id), kId);
  EXPECT_EQ(to_hex(event->pubkey), kPubkey);
  EXPECT_EQ(to_hex(event->sig), kSig);
  EXPECT_EQ(event->created_at, 1700000000);
  EXPECT_EQ(event->kind, 1u);
  EXPECT_EQ(event->tags, (std::vector<Tag>{{"e", "x"}, {"p"}}));
  EXPECT_EQ(event->content, "hello");
}

TEST(EventParse, FieldOrderDoesNotMatterAndUnknownFieldsAreDropped) {
  Fields fields = valid_fields();
  std::reverse(fields.begin(), fields.end());
  fields.push_back({"seen_on", R"(["wss://x"])"});
  auto event = parse_event(to_object(fields));
  ASSERT_TRUE(event) << event.error();
  EXPECT_EQ(to_json(*event).find("seen_on"), std::string::npos);
}

TEST(EventParse, NotJsonOrNotAnObject) {
  EXPECT_EQ(error_of(""), "empty message");
  EXPECT_EQ(error_of("[1,2]"), "event must be a JSON object");
  EXPECT_EQ(error_of("\"event\""), "event must be a JSON object");
  EXPECT_EQ(error_of("{\"id\":"),
            "invalid JSON (The JSON document has an improper structure: missing or superfluous commas, "
            "braces, missing keys, etc.)");
  EXPECT_EQ(error_of(to_object(valid_fields()) + "x").rfind("invalid JSON", 0), 0u);
}

TEST(EventParse, MissingFields) {
  for (const char* key : {"id", "pubkey", "created_at", "kind", "tags", "content", "sig"}) {
    EXPECT_EQ(error_of(without(key)), std::string("missing field: ") + key);
  }
}

TEST(EventParse, DuplicateFields) {
  for (const auto& [key, value] : valid_fields()) {
    Fields fields = valid_fields();
    fields.push_back({key, value});
    EXPECT_EQ(error_of(to_object(fields)), "duplicate field: " + key);
  }
}

TEST(EventParse, HexFields) {
  const std::string id_error = "id must be 64 lowercase hex characters";
  EXPECT_EQ(error_of(with("id", '"' + std::string(63, 'a') + '"')), id_error);
  EXPECT_EQ(error_of(with("id", '"' + std::string(65, 'a') + '"')), id_error);
  EXPECT_EQ(error_of(with("id", '"' + std::string(64, 'A') + '"')), id_error);
  EXPECT_EQ(error_of(with("id", '"' + std::string(64, 'g') + '"')), id_error);
  EXPECT_EQ(error_of(with("id", "12")), id_error);
  EXPECT_EQ(error_of(with("pubkey", '"' + std::string(62, 'b') + '"')),
            "pubkey must be 64 lowercase hex characters");
  EXPECT_EQ(error_of(with("pubkey", "null")), "pubkey must be 64 lowercase hex characters");
  EXPECT_EQ(error_of(with("sig", '"' + std::string(64, 'c') + '"')),
            "sig must be 128 lowercase hex characters");
  EXPECT_EQ(error_of(with("sig", '"' + std::string(127, 'c') + "C\"")),
            "sig must be 128 lowercase hex characters");
}

TEST(EventParse, CreatedAt) {
  const std::string type_error = "created_at must be an integer";
  const std::string range_error = "created_at must be between 0 and 9007199254740991";
  EXPECT_EQ(error_of(with("created_at", "1.5")), type_error);
  EXPECT_EQ(error_of(with("created_at", "1e9")), type_error);
  EXPECT_EQ(error_of(with("created_at", "\"1700000000\"")), type_error);
  EXPECT_EQ(error_of(with("created_at", "null")), type_error);
  EXPECT_EQ(error_of(with("created_at", "-1")), range_error);
  EXPECT_EQ(error_of(with("created_at", "9007199254740992")), range_error);
  EXPECT_EQ(error_of(with("created_at", "18446744073709551615")), range_error);
  EXPECT_TRUE(parse_event(with("created_at", "0")));
  EXPECT_TRUE(parse_event(with("created_at", "9007199254740991")));
}

TEST(EventParse, Kind) {
  EXPECT_EQ(error_of(with("kind", "1.0")), "kind must be an integer");
  EXPECT_EQ(error_of(with("kind", "\"1\"")), "kind must be an integer");
  EXPECT_EQ(error_of(with("kind", "-1")), "kind must be between 0 and 65535");
  EXPECT_EQ(error_of(with("kind", "65536")), "kind must be between 0 and 65535");
  EXPECT_TRUE(parse_event(with("kind", "65535")));
  EXPECT_TRUE(parse_event(with("kind", "0")));
}

TEST(EventParse, Tags) {
  const std::string shape = "tags must be an array of arrays of strings";
  EXPECT_EQ(error_of(with("tags", "{}")), shape);
  EXPECT_EQ(error_of(with("tags", "[\"e\"]")), shape);
  EXPECT_EQ(error_of(with("tags", "[[1]]")), shape);
  EXPECT_EQ(error_of(with("tags", "[[\"e\",null]]")), shape);
  EXPECT_EQ(error_of(with("tags", "[[[\"e\"]]]")), shape);
  EXPECT_EQ(error_of(with("tags", "null")), shape);
  auto empty = parse_event(with("tags", "[[],[\"\"]]"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->tags, (std::vector<Tag>{{}, {""}}));
}

TEST(EventParse, Content) {
  EXPECT_EQ(error_of(with("content", "1")), "content must be a string");
  EXPECT_EQ(error_of(with("content", "null")), "content must be a string");
  EXPECT_EQ(error_of(with("content", "[\"x\"]")), "content must be a string");
}

TEST(EventParse, InvalidUtf8AndBadStrings) {
  EXPECT_EQ(error_of(with("content", "\"\xff\xfe\"")), "invalid UTF-8");
  EXPECT_EQ(error_of(with("content", "\"\xc3\x28\"")), "invalid UTF-8");
  EXPECT_EQ(error_of(with("content", "\"\xed\xa0\x80\"")), "invalid UTF-8");  // encoded surrogate
  EXPECT_EQ(error_of(with("content", R"("\ud800")")),
            "invalid JSON string (bad escape or unpaired surrogate)");
  EXPECT_EQ(error_of(with("content", R"("\x41")")), "invalid JSON string (bad escape or unpaired surrogate)");
  EXPECT_EQ(error_of(with("content", "\"a\nb\"")), "invalid JSON string (unescaped control character)");
  auto pair = parse_event(with("content", R"("\ud83d\ude00\u00e9")"));
  ASSERT_TRUE(pair) << pair.error();
  EXPECT_EQ(pair->content, "😀é");
}

TEST(EventParse, NestingDepthLimit) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  Fields fields = valid_fields();
  fields.push_back({"extra", deep});
  EXPECT_EQ(error_of(to_object(fields)), "JSON nested deeper than 16 levels");
  EXPECT_EQ(error_of(deep), "JSON nested deeper than 16 levels");
  EventLimits shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(error_of(to_object(valid_fields()), shallow), "JSON nested deeper than 2 levels");
}

TEST(EventParse, SizeLimits) {
  EventLimits limits;
  limits.max_event_bytes = 100;
  EXPECT_EQ(error_of(to_object(valid_fields()), limits), "event is too large (at most 100 bytes)");
  limits = {};
  limits.max_content_bytes = 3;
  EXPECT_EQ(error_of(to_object(valid_fields()), limits), "content is too long (at most 3 bytes)");
  limits = {};
  limits.max_tags = 1;
  EXPECT_EQ(error_of(to_object(valid_fields()), limits), "too many tags (at most 1)");
  limits = {};
  limits.max_tag_values = 1;
  EXPECT_EQ(error_of(to_object(valid_fields()), limits), "a tag has too many values (at most 1)");
  limits = {};
  limits.max_tag_value_bytes = 0;
  EXPECT_EQ(error_of(to_object(valid_fields()), limits), "a tag value is too long (at most 0 bytes)");
}

TEST(EventVerify, IdAndSignature) {
  SecretKey key = generate_secret_key();
  Event event;
  event.kind = 1;
  event.created_at = 1700000000;
  event.content = "verify me";
  ASSERT_TRUE(sign_event(event, key));
  EXPECT_TRUE(verify_event(event));

  Event wrong_id = event;
  wrong_id.content = "tampered";
  EXPECT_EQ(verify_event(wrong_id).error(), "id is not the hash of the event");

  Event wrong_sig = event;
  wrong_sig.sig[10] ^= 1;
  EXPECT_EQ(verify_event(wrong_sig).error(), "signature does not verify");

  Event other_author = event;
  other_author.pubkey = *public_key(generate_secret_key());
  other_author.id = compute_id(other_author);
  EXPECT_EQ(verify_event(other_author).error(), "signature does not verify");

  Event off_curve = event;
  off_curve.pubkey.fill(0xff);  // not an x coordinate on the curve
  off_curve.id = compute_id(off_curve);
  EXPECT_EQ(verify_event(off_curve).error(), "signature does not verify");

  auto parsed = parse_and_verify_event(to_json(wrong_sig));
  EXPECT_EQ(parsed.error(), "signature does not verify");
}

}  // namespace
}  // namespace pleb::nostr
