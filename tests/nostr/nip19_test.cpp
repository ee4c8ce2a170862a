// NIP-19 and the bech32 layer under it: the published vectors, round trips, and every error class
// with its exact message (the messages reach users through the CLI and the API).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/bech32.hpp"
#include "nostr/nip19.hpp"

namespace pleb::nostr {
namespace {

namespace dom = simdjson::dom;

// ---- helpers ----

Bytes32 hex32(std::string_view hex) {
  auto bytes = parse_hex_any_case<32>(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or(Bytes32{});
}

Bytes32 filled(std::uint8_t value) {
  Bytes32 bytes;
  bytes.fill(value);
  return bytes;
}

ByteVector bytes_of(const Bytes32& bytes, std::size_t size = 32) {
  return ByteVector(bytes.begin(),
                    bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(size, 32)));
}

ByteVector text_bytes(std::string_view text) {
  return ByteVector(text.begin(), text.end());
}

// Appends one TLV entry; lets the tests build payloads no encoder would produce.
void add_tlv(ByteVector& out, std::uint8_t type, const ByteVector& value) {
  out.push_back(type);
  out.push_back(static_cast<std::uint8_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
}

std::string encode_raw(std::string_view prefix, const ByteVector& bytes) {
  return bech32::encode(prefix, bech32::bytes_to_values(bytes));
}

ByteVector payload_of(std::string_view text) {
  auto decoded = bech32::decode(text);
  EXPECT_TRUE(decoded.ok()) << decoded.error();
  if (!decoded) return {};
  auto bytes = bech32::values_to_bytes(decoded->values);
  EXPECT_TRUE(bytes.ok()) << bytes.error();
  return bytes ? *bytes : ByteVector{};
}

std::string to_upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Rewrites the checksum of a valid bech32 string into the bech32m one for the same content:
// both are the same polymod XORed with a different constant.
std::string as_bech32m(std::string text) {
  constexpr std::string_view kAlphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  std::uint32_t checksum = 0;
  for (std::size_t i = text.size() - 6; i < text.size(); ++i) {
    checksum = checksum << 5 | static_cast<std::uint32_t>(kAlphabet.find(text[i]));
  }
  checksum ^= 1 ^ 0x2bc830a3;
  for (std::size_t i = 0; i < 6; ++i) text[text.size() - 6 + i] = kAlphabet[(checksum >> (5 * (5 - i))) & 31];
  return text;
}

// ---- the vector file ----

dom::element vectors() {
  static dom::parser parser;
  static dom::element root = [] {
    dom::element element;
    auto error = parser.load(PLEB_TEST_DATA "/nip19-vectors.json").get(element);
    EXPECT_EQ(error, simdjson::SUCCESS) << simdjson::error_message(error);
    return element;
  }();
  return root;
}

dom::array vector_list(const char* name) {
  dom::array list;
  auto error = vectors()[name].get_array().get(list);
  EXPECT_EQ(error, simdjson::SUCCESS) << name;
  return list;
}

std::string string_field(dom::element object, const char* key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

bool has_field(dom::element object, const char* key) {
  return object[key].error() == simdjson::SUCCESS;
}

bool bool_field(dom::element object, const char* key) {
  bool value = false;
  return object[key].get_bool().get(value) == simdjson::SUCCESS && value;
}

std::vector<std::string> relays_field(dom::element object) {
  std::vector<std::string> relays;
  dom::array list;
  if (object["relays"].get_array().get(list) != simdjson::SUCCESS) return relays;
  for (dom::element relay : list) relays.emplace_back(std::string_view(relay.get_string().value_unsafe()));
  return relays;
}

std::uint32_t kind_field(dom::element object) {
  std::uint64_t kind = 0;
  EXPECT_EQ(object["kind"].get_uint64().get(kind), simdjson::SUCCESS);
  return static_cast<std::uint32_t>(kind);
}

// Checks a decoded entity against a vector; a `partial` vector asserts only the fields it lists.
void expect_matches_vector(const Nip19Entity& entity, dom::element vector) {
  std::string type = string_field(vector, "type");
  ASSERT_EQ(nip19_prefix(entity), type);
  dom::element data = vector["data"].value_unsafe();
  bool partial = bool_field(vector, "partial");
  if (type == "npub") {
    EXPECT_EQ(std::get<Npub>(entity).pubkey, hex32(string_field(vector, "data")));
  } else if (type == "nsec") {
    EXPECT_EQ(std::get<Nsec>(entity).secret.bytes(), hex32(string_field(vector, "data")));
  } else if (type == "note") {
    EXPECT_EQ(std::get<Note>(entity).id, hex32(string_field(vector, "data")));
  } else if (type == "nprofile") {
    const auto& profile = std::get<Nprofile>(entity);
    EXPECT_EQ(profile.pubkey, hex32(string_field(data, "pubkey")));
    if (!partial || has_field(data, "relays")) {
      EXPECT_EQ(profile.relays, relays_field(data));
    }
  } else if (type == "nevent") {
    const auto& event = std::get<Nevent>(entity);
    EXPECT_EQ(event.id, hex32(string_field(data, "id")));
    if (!partial || has_field(data, "relays")) {
      EXPECT_EQ(event.relays, relays_field(data));
    }
    if (has_field(data, "author")) {
      EXPECT_EQ(event.author, hex32(string_field(data, "author")));
    } else if (!partial) {
      EXPECT_FALSE(event.author.has_value());
    }
    if (has_field(data, "kind")) {
      EXPECT_EQ(event.kind, kind_field(data));
    } else if (!partial) {
      EXPECT_FALSE(event.kind.has_value());
    }
  } else if (type == "naddr") {
    const auto& address = std::get<Naddr>(entity);
    EXPECT_EQ(address.pubkey, hex32(string_field(data, "pubkey")));
    EXPECT_EQ(address.kind, kind_field(data));
    EXPECT_EQ(address.identifier, string_field(data, "identifier"));
    if (!partial || has_field(data, "relays")) {
      EXPECT_EQ(address.relays, relays_field(data));
    }
  } else {
    ADD_FAILURE() << "unexpected type in the vector file: " << type;
  }
}

std::vector<dom::element> all_valid_vectors() {
  std::vector<dom::element> all;
  for (const char* list : {"valid", "valid_derived"}) {
    for (dom::element vector : vector_list(list)) all.push_back(vector);
  }
  return all;
}

// ---- vectors ----

TEST(Nip19Vectors, FileHasTheExpectedSections) {
  EXPECT_EQ(vector_list("valid").size(), 6u);
  EXPECT_EQ(vector_list("valid_derived").size(), 6u);
  EXPECT_EQ(vector_list("invalid").size(), 6u);
}

TEST(Nip19Vectors, EveryValidVectorDecodes) {
  for (dom::element vector : all_valid_vectors()) {
    std::string text = string_field(vector, "bech32");
    SCOPED_TRACE(string_field(vector, "source") + ": " + text);
    auto entity = decode_nip19(text);
    ASSERT_TRUE(entity.ok()) << entity.error();
    expect_matches_vector(*entity, vector);
  }
}

TEST(Nip19Vectors, TypedDecodersAgreeWithTheGenericOne) {
  for (dom::element vector : all_valid_vectors()) {
    std::string text = string_field(vector, "bech32");
    SCOPED_TRACE(text);
    auto entity = decode_nip19(text);
    ASSERT_TRUE(entity.ok()) << entity.error();
    std::string type = string_field(vector, "type");
    if (type == "npub") {
      EXPECT_EQ(decode_npub(text).value(), std::get<Npub>(*entity).pubkey);
    } else if (type == "nsec") {
      EXPECT_EQ(decode_nsec(text).value(), std::get<Nsec>(*entity).secret.bytes());
      EXPECT_EQ(decode_nsec_key(text).value().bytes(), std::get<Nsec>(*entity).secret.bytes());
    } else if (type == "note") {
      EXPECT_EQ(decode_note(text).value(), std::get<Note>(*entity).id);
    } else if (type == "nprofile") {
      EXPECT_EQ(decode_nprofile(text).value(), std::get<Nprofile>(*entity));
    } else if (type == "nevent") {
      EXPECT_EQ(decode_nevent(text).value(), std::get<Nevent>(*entity));
    } else if (type == "naddr") {
      EXPECT_EQ(decode_naddr(text).value(), std::get<Naddr>(*entity));
    }
  }
}

// `roundtrip: true` vectors must be reproduced byte for byte; the others (the nprofile example's
// TLV order differs from ours) must at least re-encode to a string that decodes to the same entity.
TEST(Nip19Vectors, RoundTrips) {
  int exact = 0;
  for (dom::element vector : all_valid_vectors()) {
    std::string text = string_field(vector, "bech32");
    SCOPED_TRACE(text);
    auto entity = decode_nip19(text);
    ASSERT_TRUE(entity.ok()) << entity.error();
    auto encoded = encode_nip19(*entity);
    ASSERT_TRUE(encoded.ok()) << encoded.error();
    if (bool_field(vector, "roundtrip")) {
      EXPECT_EQ(*encoded, text);
      ++exact;
    }
    auto again = decode_nip19(*encoded);
    ASSERT_TRUE(again.ok()) << again.error();
    EXPECT_EQ(*again, *entity);
  }
  EXPECT_EQ(exact, 3);
}

TEST(Nip19Vectors, BareEncodersReproduceTheSpecExamples) {
  EXPECT_EQ(encode_npub(hex32("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d")),
            "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
  EXPECT_EQ(encode_npub(hex32("7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")),
            "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
  EXPECT_EQ(encode_nsec(hex32("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa")),
            "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5");
  EXPECT_EQ(encode_note(hex32("46d731680add2990efe1cc619dc9b8014feeb23261ab9dee50e9d11814de5a2b")),
            "note1gmtnz6q2m55epmlpe3semjdcq987av3jvx4emmjsa8g3s9x7tg4sclreky");
}

TEST(Nip19Vectors, EveryInvalidVectorIsRefusedForItsReason) {
  for (dom::element vector : vector_list("invalid")) {
    std::string text = string_field(vector, "bech32");
    std::string reason = string_field(vector, "reason");
    SCOPED_TRACE(text + " (" + reason + ")");
    auto entity = decode_nip19(text);
    ASSERT_FALSE(entity.ok());
    if (reason == "truncated TLV") {
      EXPECT_EQ(entity.error(), "truncated TLV in nevent: the entry at byte 0 has a type but no length");
    } else if (reason == "non-bech32 character") {
      // The vectors put a two-byte UTF-8 letter into an otherwise valid string; its first byte is named.
      std::size_t position = text.find_first_of("\xc3") + 1;
      EXPECT_EQ(entity.error(), "invalid byte 0xc3 at position " + std::to_string(position) +
                                    ": bech32 strings are printable ASCII");
    } else {
      ADD_FAILURE() << "unexpected reason in the vector file: " << reason;
    }
  }
}

// ---- bech32 (BIP-173 appendix vectors, bitcoin/bips bip-0173.mediawiki) ----

TEST(Nip19Bech32, Bip173ValidStrings) {
  for (std::string_view text : {
           "A12UEL5L",
           "a12uel5l",
           "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
           "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
           "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
           "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
           "?1ezyfcl",
       }) {
    SCOPED_TRACE(text);
    auto decoded = bech32::decode(text, 90);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(bech32::encode(decoded->hrp, decoded->values), lower);
  }
}

TEST(Nip19Bech32, Bip173InvalidStrings) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"\x20"
       "1nwldj5",
       "invalid character ' ' at position 1: bech32 strings are printable ASCII"},
      {"\x7f"
       "1axkwrx",
       "invalid byte 0x7f at position 1: bech32 strings are printable ASCII"},
      {"\x80"
       "1eym55h",
       "invalid byte 0x80 at position 1: bech32 strings are printable ASCII"},
      {"pzry9x0s0muk", "missing the bech32 separator '1'"},
      {"1pzry9x0s0muk", "empty human-readable part before the '1' separator"},
      {"x1b4n0q5v", "invalid character 'b' at position 3: not in the bech32 alphabet"},
      {"li1dgmt3", "bech32 data part too short: 5 characters, the checksum alone takes 6"},
      {"de1lg7wt\xff", "invalid byte 0xff at position 9: bech32 strings are printable ASCII"},
      {"A1G7SGD8", "bad bech32 checksum"},
      {"10a06t8", "empty human-readable part before the '1' separator"},
      {"1qzzfhee", "empty human-readable part before the '1' separator"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto decoded = bech32::decode(c.text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), c.error);
  }
}

// BIP-173's 90-character limit is a parameter: NIP-19 raises it to 5000.
TEST(Nip19Bech32, LengthLimitIsAParameter) {
  std::string text =
      "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx";
  auto strict = bech32::decode(text, 90);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error(), "bech32 string too long: 91 characters, the limit is 90");
  EXPECT_TRUE(bech32::decode(text).ok());
}

TEST(Nip19Bech32, ByteRegroupingRoundTripsForEveryLength) {
  for (std::size_t size = 0; size <= 70; ++size) {
    ByteVector bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
    ByteVector values = bech32::bytes_to_values(bytes);
    EXPECT_EQ(values.size(), (size * 8 + 4) / 5);
    auto back = bech32::values_to_bytes(values);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(*back, bytes);
  }
}

TEST(Nip19Bech32, PaddingIsStrict) {
  // Two values are 10 bits: one byte and 2 bits of padding, which must be zero.
  auto nonzero = bech32::values_to_bytes({0, 1});
  ASSERT_FALSE(nonzero.ok());
  EXPECT_EQ(nonzero.error(), "non-zero padding bits at the end of the bech32 data");
  // One value is 5 bits: no byte at all, and more padding than BIP-173 allows.
  auto excess = bech32::values_to_bytes({0});
  ASSERT_FALSE(excess.ok());
  EXPECT_EQ(
      excess.error(),
      "bad bech32 data length: 5 bits left over after the last byte, at most 4 bits of padding are allowed");
  auto out_of_range = bech32::values_to_bytes({32, 0});
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.error(), "bech32 data value above 31");
}

TEST(Nip19Bech32, EncodeRejectsBadArguments) {
  EXPECT_THROW(bech32::encode("", {}), std::invalid_argument);
  EXPECT_THROW(bech32::encode("Npub", {}), std::invalid_argument);
  EXPECT_THROW(bech32::encode("npub", {32}), std::invalid_argument);
}

TEST(Nip19Bech32, WipeZeroesTheWholeCapacity) {
  ByteVector secret = {1, 2, 3, 4};
  secret.reserve(64);
  std::fill(secret.begin(), secret.end(), 0xaa);
  const std::uint8_t* buffer = secret.data();
  std::size_t capacity = secret.capacity();
  bech32::wipe(secret);
  EXPECT_TRUE(secret.empty());
  ASSERT_EQ(secret.capacity(), capacity);  // same buffer, still ours to read
  EXPECT_TRUE(std::all_of(buffer, buffer + capacity, [](std::uint8_t b) { return b == 0; }));
}

// ---- case ----

TEST(Nip19Case, WholeUppercaseStringIsAccepted) {
  const std::string npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
  auto key = decode_npub(to_upper(npub));
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_EQ(*key, hex32("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d"));

  for (dom::element vector : all_valid_vectors()) {
    std::string text = string_field(vector, "bech32");
    SCOPED_TRACE(text);
    auto lower = decode_nip19(text);
    auto upper = decode_nip19(to_upper(text));
    ASSERT_TRUE(upper.ok()) << upper.error();
    EXPECT_EQ(*upper, *lower);
  }
}

TEST(Nip19Case, MixedCaseIsRefused) {
  for (std::string text : {"Npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6",
                           "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6W6",
                           "NPUB180CVV07TJDRRGPA0J7J7TMNYL2YR6YR7L8J4S3EVF6U64TH6GKWSYJH6w6"}) {
    SCOPED_TRACE(text);
    auto key = decode_npub(text);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error(), "mixed upper and lower case in bech32 string");
  }
}

// ---- error classes, with exact messages ----

TEST(Nip19Errors, BadChecksum) {
  auto key = decode_npub("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w7");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error(), "bad bech32 checksum");
  // A single changed data character is always caught.
  auto entity = decode_nip19("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w7");
  ASSERT_FALSE(entity.ok());
  EXPECT_EQ(entity.error(), "bad bech32 checksum");
}

TEST(Nip19Errors, Bech32mChecksumIsNamed) {
  std::string text = as_bech32m("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
  auto key = decode_npub(text);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error(), "bad checksum: this is a bech32m string, NIP-19 uses bech32");
}

TEST(Nip19Errors, WrongPrefix) {
  const std::string npub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
  const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
  EXPECT_EQ(decode_npub(nsec).error(), "expected npub, got nsec");
  EXPECT_EQ(decode_nsec(npub).error(), "expected nsec, got npub");
  EXPECT_EQ(decode_nsec_key(npub).error(), "expected nsec, got npub");
  EXPECT_EQ(decode_note(npub).error(), "expected note, got npub");
  EXPECT_EQ(decode_nprofile(npub).error(), "expected nprofile, got npub");
  EXPECT_EQ(decode_nevent(to_upper(nsec)).error(), "expected nevent, got nsec");
  EXPECT_EQ(decode_naddr(npub).error(), "expected naddr, got npub");
}

TEST(Nip19Errors, UnknownPrefix) {
  EXPECT_EQ(decode_nip19(encode_raw("lnbc", {1, 2, 3})).error(), "unknown NIP-19 prefix: lnbc");
  EXPECT_EQ(decode_nip19(encode_raw("averyveryverylongprefix", {})).error(),
            "unknown NIP-19 prefix: averyveryverylon...");
  EXPECT_EQ(decode_nip19(encode_raw("nrelay", text_bytes("wss://r.example"))).error(),
            "nrelay is deprecated by NIP-19 and not supported");
}

TEST(Nip19Errors, InvalidCharacter) {
  // 'b' is one of the four characters bech32 leaves out; position 13 counts from 1.
  auto key = decode_npub("npub180cvv07bjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error(), "invalid character 'b' at position 13: not in the bech32 alphabet");
  auto space = decode_npub("npub180cvv07 jdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
  EXPECT_EQ(space.error(), "invalid character ' ' at position 13: bech32 strings are printable ASCII");
  auto nul = decode_npub(std::string_view("npub1\0", 6));
  EXPECT_EQ(nul.error(), "invalid byte 0x00 at position 6: bech32 strings are printable ASCII");
}

TEST(Nip19Errors, ErrorsNeverEchoTheSecret) {
  const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
  for (std::string text :
       {nsec.substr(0, nsec.size() - 1) + "4", nsec.substr(0, 20) + "B" + nsec.substr(21), nsec + "q"}) {
    auto key = decode_nsec(text);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().find(nsec.substr(5, 10)), std::string::npos) << key.error();
  }
}

TEST(Nip19Errors, BadLengthOfBareEntities) {
  Bytes32 key = filled(7);
  EXPECT_EQ(decode_npub(encode_raw("npub", bytes_of(key, 31))).error(), "npub must hold 32 bytes, got 31");
  ByteVector longer = bytes_of(key);
  longer.push_back(0);
  EXPECT_EQ(decode_note(encode_raw("note", longer)).error(), "note must hold 32 bytes, got 33");
  EXPECT_EQ(decode_nsec(encode_raw("nsec", {})).error(), "nsec must hold 32 bytes, got 0");
  EXPECT_EQ(decode_nip19(encode_raw("nsec", bytes_of(key, 31))).error(), "nsec must hold 32 bytes, got 31");
  EXPECT_EQ(decode_nip19(encode_raw("npub", longer)).error(), "npub must hold 32 bytes, got 33");
}

TEST(Nip19Errors, BadLengthOfTlvFields) {
  Bytes32 key = filled(7);
  ByteVector short_pubkey;
  add_tlv(short_pubkey, 0, bytes_of(key, 31));
  EXPECT_EQ(decode_nprofile(encode_raw("nprofile", short_pubkey)).error(),
            "nprofile pubkey (TLV type 0) must be 32 bytes, got 31");

  ByteVector long_author;
  add_tlv(long_author, 0, bytes_of(key));
  ByteVector author = bytes_of(key);
  author.push_back(1);
  add_tlv(long_author, 2, author);
  EXPECT_EQ(decode_nevent(encode_raw("nevent", long_author)).error(),
            "nevent author (TLV type 2) must be 32 bytes, got 33");

  ByteVector short_kind;
  add_tlv(short_kind, 0, bytes_of(key));
  add_tlv(short_kind, 3, {0x75, 0x23});
  EXPECT_EQ(decode_nevent(encode_raw("nevent", short_kind)).error(),
            "nevent kind (TLV type 3) must be 4 bytes, got 2");

  ByteVector short_naddr_author;
  add_tlv(short_naddr_author, 0, text_bytes("d"));
  add_tlv(short_naddr_author, 2, bytes_of(key, 16));
  add_tlv(short_naddr_author, 3, {0, 0, 0x75, 0x23});
  EXPECT_EQ(decode_naddr(encode_raw("naddr", short_naddr_author)).error(),
            "naddr author (TLV type 2) must be 32 bytes, got 16");
}

TEST(Nip19Errors, TruncatedTlv) {
  ByteVector payload;
  add_tlv(payload, 0, bytes_of(filled(1)));
  // A relay entry claiming 20 bytes with only 5 left.
  payload.insert(payload.end(), {1, 20, 'w', 's', 's', ':', '/'});
  EXPECT_EQ(decode_nprofile(encode_raw("nprofile", payload)).error(),
            "truncated TLV in nprofile: the entry at byte 34 declares 20 bytes, only 5 remain");
  EXPECT_EQ(decode_nip19(encode_raw("nevent", {0})).error(),
            "truncated TLV in nevent: the entry at byte 0 has a type but no length");
  EXPECT_EQ(decode_naddr(encode_raw("naddr", {0, 1})).error(),
            "truncated TLV in naddr: the entry at byte 0 declares 1 bytes, only 0 remain");
}

TEST(Nip19Errors, MissingTlv) {
  Bytes32 key = filled(9);
  ByteVector relay_only;
  add_tlv(relay_only, 1, text_bytes("wss://relay.example"));
  EXPECT_EQ(decode_nprofile(encode_raw("nprofile", relay_only)).error(),
            "nprofile pubkey (TLV type 0) is missing");
  EXPECT_EQ(decode_nevent(encode_raw("nevent", relay_only)).error(),
            "nevent event id (TLV type 0) is missing");
  EXPECT_EQ(decode_nprofile(encode_raw("nprofile", {})).error(), "nprofile pubkey (TLV type 0) is missing");

  ByteVector identifier;
  add_tlv(identifier, 0, text_bytes("banana"));
  ByteVector author;
  add_tlv(author, 2, bytes_of(key));
  ByteVector kind;
  add_tlv(kind, 3, {0, 0, 0x75, 0x23});
  auto join = [](std::initializer_list<ByteVector> parts) {
    ByteVector out;
    for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
  };
  EXPECT_EQ(decode_naddr(encode_raw("naddr", join({author, kind}))).error(),
            "naddr identifier (TLV type 0) is missing");
  EXPECT_EQ(decode_naddr(encode_raw("naddr", join({identifier, kind}))).error(),
            "naddr author (TLV type 2) is missing");
  EXPECT_EQ(decode_naddr(encode_raw("naddr", join({identifier, author}))).error(),
            "naddr kind (TLV type 3) is missing");
  EXPECT_TRUE(decode_naddr(encode_raw("naddr", join({kind, author, identifier}))).ok());
}

TEST(Nip19Errors, DuplicateSingularTlv) {
  ByteVector payload;
  add_tlv(payload, 0, bytes_of(filled(1)));
  add_tlv(payload, 2, bytes_of(filled(2)));
  add_tlv(payload, 2, bytes_of(filled(3)));
  EXPECT_EQ(decode_nevent(encode_raw("nevent", payload)).error(),
            "nevent author (TLV type 2) appears 2 times, at most once is allowed");
}

TEST(Nip19Errors, TextMustBeUtf8) {
  ByteVector relay;
  add_tlv(relay, 0, bytes_of(filled(1)));
  add_tlv(relay, 1, {'w', 's', 's', ':', 0xc3});
  EXPECT_EQ(decode_nprofile(encode_raw("nprofile", relay)).error(),
            "nprofile relay (TLV type 1) is not valid UTF-8");

  ByteVector identifier;
  add_tlv(identifier, 0, {0xed, 0xa0, 0x80});  // an encoded surrogate
  add_tlv(identifier, 2, bytes_of(filled(1)));
  add_tlv(identifier, 3, {0, 0, 0, 1});
  EXPECT_EQ(decode_naddr(encode_raw("naddr", identifier)).error(),
            "naddr identifier (TLV type 0) is not valid UTF-8");

  // Multi-byte text that is valid goes through unchanged.
  auto ok =
      encode_naddr(Naddr{"caf\xc3\xa9 \xf0\x9f\x8d\x8c", filled(1), 30023, {"wss://r\xc3\xa9lay.example"}});
  ASSERT_TRUE(ok.ok()) << ok.error();
  auto back = decode_naddr(*ok);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->identifier, "caf\xc3\xa9 \xf0\x9f\x8d\x8c");
}

TEST(Nip19Errors, StringTooLong) {
  std::string text = "npub1" + std::string(4996, 'q');
  auto key = decode_npub(text);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error(), "bech32 string too long: 5001 characters, the limit is 5000");
}

TEST(Nip19Errors, StructuralErrors) {
  EXPECT_EQ(decode_nip19("").error(), "empty bech32 string");
  EXPECT_EQ(decode_nip19("npub").error(), "missing the bech32 separator '1'");
  EXPECT_EQ(decode_nip19("1qqqqqqqq").error(), "empty human-readable part before the '1' separator");
  EXPECT_EQ(decode_nip19("npub1qqq").error(),
            "bech32 data part too short: 3 characters, the checksum alone takes 6");
}

// ---- encoders ----

TEST(Nip19Encode, RefusesValuesATlvCannotHold) {
  Nprofile profile{filled(1), {std::string(256, 'r')}};
  EXPECT_EQ(encode_nprofile(profile).error(), "nprofile relay is 256 bytes, a TLV value holds at most 255");
  profile.relays = {std::string(255, 'r')};
  EXPECT_TRUE(encode_nprofile(profile).ok());

  Naddr address{std::string(256, 'd'), filled(1), 1, {}};
  EXPECT_EQ(encode_naddr(address).error(), "naddr identifier is 256 bytes, a TLV value holds at most 255");
  address.identifier = "\xff";
  EXPECT_EQ(encode_naddr(address).error(), "naddr identifier is not valid UTF-8");

  Nevent event{filled(1), {"wss://ok", "\xc0\xaf"}, std::nullopt, std::nullopt};  // overlong '/'
  EXPECT_EQ(encode_nevent(event).error(), "nevent relay is not valid UTF-8");
}

// The payload is 34 bytes of pubkey plus the relays; 3115 bytes make 4999 characters, 3116 make 5001.
TEST(Nip19Encode, LongStringsUpToTheLimit) {
  Nprofile profile{filled(5), std::vector<std::string>(11, std::string(255, 'a'))};
  profile.relays.push_back(std::string(252, 'b'));
  auto longest = encode_nprofile(profile);
  ASSERT_TRUE(longest.ok()) << longest.error();
  EXPECT_EQ(longest->size(), 4999u);
  auto back = decode_nprofile(*longest);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, profile);

  profile.relays.back().push_back('b');
  EXPECT_EQ(encode_nprofile(profile).error(), "encoded nprofile would be 5001 characters, the limit is 5000");
}

TEST(Nip19Encode, KindIsBigEndianAndTlvOrderIsStable) {
  Nevent event{filled(0xab), {"wss://a", "wss://b"}, filled(0xcd), 0x01020304};
  auto text = encode_nevent(event);
  ASSERT_TRUE(text.ok()) << text.error();
  ByteVector expected;
  add_tlv(expected, 0, bytes_of(filled(0xab)));
  add_tlv(expected, 1, text_bytes("wss://a"));
  add_tlv(expected, 1, text_bytes("wss://b"));
  add_tlv(expected, 2, bytes_of(filled(0xcd)));
  add_tlv(expected, 3, {1, 2, 3, 4});
  EXPECT_EQ(payload_of(*text), expected);

  Naddr address{"", filled(0x11), 0xfffffffe, {"wss://c"}};
  auto naddr = encode_naddr(address);
  ASSERT_TRUE(naddr.ok()) << naddr.error();
  ByteVector expected_naddr;
  add_tlv(expected_naddr, 0, {});
  add_tlv(expected_naddr, 1, text_bytes("wss://c"));
  add_tlv(expected_naddr, 2, bytes_of(filled(0x11)));
  add_tlv(expected_naddr, 3, {0xff, 0xff, 0xff, 0xfe});
  EXPECT_EQ(payload_of(*naddr), expected_naddr);
  EXPECT_EQ(decode_naddr(*naddr).value(), address);  // empty "d" tag survives
}

TEST(Nip19Encode, EveryShapeRoundTrips) {
  std::vector<Nip19Entity> entities = {
      Npub{filled(1)},
      Note{filled(2)},
      Nprofile{filled(3), {}},
      Nprofile{filled(3), {"wss://one", "", "wss://one"}},
      Nevent{filled(4), {}, std::nullopt, std::nullopt},
      Nevent{filled(4), {"wss://x"}, filled(5), std::nullopt},
      Nevent{filled(4), {}, std::nullopt, 0u},
      Nevent{filled(4), {"wss://x"}, filled(5), 0xffffffffu},
      Naddr{"id", filled(6), 30023, {}},
      Naddr{"", filled(6), 10002, {"wss://y", "wss://z"}},
  };
  Nsec nsec;
  nsec.secret.mutable_bytes() = filled(7);
  entities.emplace_back(nsec);
  for (const Nip19Entity& entity : entities) {
    auto text = encode_nip19(entity);
    ASSERT_TRUE(text.ok()) << text.error();
    SCOPED_TRACE(*text);
    EXPECT_TRUE(text->starts_with(std::string(nip19_prefix(entity)) + "1"));
    auto back = decode_nip19(*text);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(*back, entity);
  }
}

// ---- forward compatibility ----

TEST(Nip19Tlv, UnknownTypesAreIgnored) {
  Bytes32 key = hex32("3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d");
  ByteVector payload;
  add_tlv(payload, 7, text_bytes("from the future"));
  add_tlv(payload, 0, bytes_of(key));
  add_tlv(payload, 0xff, {});
  add_tlv(payload, 1, text_bytes("wss://r.x.com"));
  add_tlv(payload, 42, {0xff, 0xfe});  // not even text: never looked at
  auto profile = decode_nprofile(encode_raw("nprofile", payload));
  ASSERT_TRUE(profile.ok()) << profile.error();
  EXPECT_EQ(profile->pubkey, key);
  EXPECT_EQ(profile->relays, std::vector<std::string>{"wss://r.x.com"});
}

TEST(Nip19Tlv, TypesUndefinedForTheEntityAreIgnored) {
  // Author and kind mean nothing in an nprofile, even with odd lengths.
  ByteVector payload;
  add_tlv(payload, 0, bytes_of(filled(1)));
  add_tlv(payload, 2, {1, 2, 3});
  add_tlv(payload, 3, {1});
  auto profile = decode_nprofile(encode_raw("nprofile", payload));
  ASSERT_TRUE(profile.ok()) << profile.error();
  EXPECT_EQ(*profile, (Nprofile{filled(1), {}}));
}

TEST(Nip19Secret, NsecDecodesIntoAWipingKey) {
  const std::string text = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
  auto key = decode_nsec_key(text);
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_EQ(key->bytes(), hex32("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa"));
  auto entity = decode_nip19(text);
  ASSERT_TRUE(entity.ok());
  ASSERT_TRUE(std::holds_alternative<Nsec>(*entity));
  EXPECT_EQ(encode_nsec(std::get<Nsec>(*entity).secret.bytes()), text);
}

}  // namespace
}  // namespace pleb::nostr
