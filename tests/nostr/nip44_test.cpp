// NIP-44 v2 against every vector of tests/data/nip44.vectors.json (paulmillr/nip44) and the extra
// invalid.decrypt_msg_lengths of tests/data/nip44.vectors.nostr-tools.json. See PROVENANCE.md.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "nostr/nip44.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/sha256.hpp"

namespace pleb::nostr {
namespace {

namespace dom = simdjson::dom;

// The vector files are large (the long-message cases); parse each once for the whole suite.
dom::element vectors() {
  static dom::parser parser;
  static dom::element root = parser.load(PLEB_TEST_DATA "/nip44.vectors.json");
  return root["v2"];
}

dom::element nostr_tools_vectors() {
  static dom::parser parser;
  static dom::element root = parser.load(PLEB_TEST_DATA "/nip44.vectors.nostr-tools.json");
  return root["v2"];
}

Bytes32 bytes32(dom::element value) {
  auto bytes = parse_hex_any_case<32>(value.get_string().value());
  EXPECT_TRUE(bytes.has_value()) << value;
  return bytes.value_or(Bytes32{});
}

SecretKey secret32(dom::element value) {
  return SecretKey(bytes32(value));
}

std::string text(dom::element value) {
  return std::string(value.get_string().value());
}

TEST(Nip44, ConversationKeyVectors) {
  std::size_t n = 0;
  for (dom::element v : vectors()["valid"]["get_conversation_key"]) {
    auto key = nip44_conversation_key(secret32(v["sec1"]), bytes32(v["pub2"]));
    ASSERT_TRUE(key) << key.error() << " " << v;
    EXPECT_EQ(to_hex(key->bytes()), text(v["conversation_key"])) << v;
    ++n;
  }
  EXPECT_EQ(n, 35u);
}

TEST(Nip44, MessageKeyVectors) {
  dom::element group = vectors()["valid"]["get_message_keys"];
  SecretKey conversation_key = secret32(group["conversation_key"]);
  std::size_t n = 0;
  for (dom::element v : group["keys"]) {
    auto keys = nip44_message_keys(conversation_key, bytes32(v["nonce"]));
    ASSERT_TRUE(keys) << keys.error();
    EXPECT_EQ(to_hex(keys->chacha_key.bytes()), text(v["chacha_key"]));
    EXPECT_EQ(to_hex(keys->chacha_nonce), text(v["chacha_nonce"]));
    EXPECT_EQ(to_hex(keys->hmac_key.bytes()), text(v["hmac_key"]));
    ++n;
  }
  EXPECT_GT(n, 0u);
}

TEST(Nip44, CalcPaddedLenVectors) {
  std::size_t n = 0;
  for (dom::element pair : vectors()["valid"]["calc_padded_len"]) {
    std::uint64_t size = pair.at(0);
    std::uint64_t padded = pair.at(1);
    EXPECT_EQ(nip44_calc_padded_len(size), padded) << size;
    ++n;
  }
  EXPECT_EQ(n, 24u);
  EXPECT_EQ(nip44_calc_padded_len(1), 32u);
  EXPECT_EQ(nip44_calc_padded_len(65535), 65536u);
}

TEST(Nip44, EncryptDecryptVectors) {
  std::size_t n = 0;
  for (dom::element v : vectors()["valid"]["encrypt_decrypt"]) {
    SecretKey sec1 = secret32(v["sec1"]);
    SecretKey sec2 = secret32(v["sec2"]);
    auto pub1 = public_key(sec1);
    auto pub2 = public_key(sec2);
    ASSERT_TRUE(pub1 && pub2);
    auto key = nip44_conversation_key(sec1, *pub2);
    auto reverse = nip44_conversation_key(sec2, *pub1);
    ASSERT_TRUE(key && reverse);
    EXPECT_EQ(to_hex(key->bytes()), text(v["conversation_key"]));
    EXPECT_EQ(key->bytes(), reverse->bytes());

    const std::string plaintext = text(v["plaintext"]);
    auto payload = nip44_encrypt(plaintext, *key, bytes32(v["nonce"]));
    ASSERT_TRUE(payload) << payload.error();
    EXPECT_EQ(*payload, text(v["payload"]));
    auto decrypted = nip44_decrypt(text(v["payload"]), *reverse);
    ASSERT_TRUE(decrypted) << decrypted.error();
    EXPECT_EQ(*decrypted, plaintext);
    ++n;
  }
  EXPECT_EQ(n, 10u);
}

TEST(Nip44, LongMessageVectors) {
  std::size_t n = 0;
  for (dom::element v : vectors()["valid"]["encrypt_decrypt_long_msg"]) {
    std::string pattern = text(v["pattern"]);
    std::uint64_t repeat = v["repeat"];
    std::string plaintext;
    plaintext.reserve(pattern.size() * repeat);
    for (std::uint64_t i = 0; i < repeat; ++i) plaintext += pattern;
    EXPECT_EQ(to_hex(sha256(plaintext)), text(v["plaintext_sha256"]));

    SecretKey key = secret32(v["conversation_key"]);
    auto payload = nip44_encrypt(plaintext, key, bytes32(v["nonce"]));
    ASSERT_TRUE(payload) << payload.error();
    EXPECT_EQ(to_hex(sha256(*payload)), text(v["payload_sha256"]));
    auto decrypted = nip44_decrypt(*payload, key);
    ASSERT_TRUE(decrypted) << decrypted.error();
    EXPECT_TRUE(*decrypted == plaintext);
    ++n;
  }
  EXPECT_EQ(n, 3u);
}

TEST(Nip44, InvalidPlaintextLengths) {
  SecretKey key = secret32(vectors()["valid"]["encrypt_decrypt"].at(0)["conversation_key"]);
  std::size_t n = 0;
  for (dom::element length : vectors()["invalid"]["encrypt_msg_lengths"]) {
    std::uint64_t size = length;
    auto payload = nip44_encrypt(std::string(size, 'a'), key);
    ASSERT_FALSE(payload) << size;
    EXPECT_EQ(payload.error(), "a NIP-44 plaintext is 1 to 65535 bytes, not " + std::to_string(size));
    ++n;
  }
  EXPECT_EQ(n, 4u);
  EXPECT_TRUE(nip44_encrypt(std::string(65535, 'a'), key));
}

TEST(Nip44, InvalidConversationKeys) {
  std::size_t n = 0;
  for (dom::element v : vectors()["invalid"]["get_conversation_key"]) {
    auto key = nip44_conversation_key(secret32(v["sec1"]), bytes32(v["pub2"]));
    EXPECT_FALSE(key) << v["note"];
    ++n;
  }
  EXPECT_EQ(n, 8u);
}

// The vectors' notes name the check that must fail ("invalid MAC", "invalid payload length: 4");
// the error must name the same check.
TEST(Nip44, InvalidPayloads) {
  std::size_t n = 0;
  for (dom::element v : vectors()["invalid"]["decrypt"]) {
    std::string note = text(v["note"]);
    std::string expected = note.substr(0, note.find(':'));
    auto plaintext = nip44_decrypt(text(v["payload"]), secret32(v["conversation_key"]));
    ASSERT_FALSE(plaintext) << note;
    EXPECT_NE(plaintext.error().find(expected), std::string::npos) << note << " -> " << plaintext.error();
    ++n;
  }
  EXPECT_EQ(n, 12u);
}

// Decoded payloads shorter than the smallest message, even with a valid version byte.
TEST(Nip44, InvalidDecodedLengthsFromNostrTools) {
  SecretKey key = secret32(vectors()["valid"]["encrypt_decrypt"].at(0)["conversation_key"]);
  std::size_t n = 0;
  for (dom::element length : nostr_tools_vectors()["invalid"]["decrypt_msg_lengths"]) {
    std::uint64_t size = length;
    std::vector<std::uint8_t> bytes(size, 0);
    if (size > 0) bytes[0] = kNip44Version;
    std::string payload(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(payload.data(), payload.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    payload.resize(payload.size() - 1);
    auto plaintext = nip44_decrypt(payload, key);
    ASSERT_FALSE(plaintext) << size;
    EXPECT_NE(plaintext.error().find("invalid payload length"), std::string::npos) << plaintext.error();
    ++n;
  }
  EXPECT_EQ(n, 9u);
}

TEST(Nip44, RandomNoncesRoundTrip) {
  SecretKey alice = generate_secret_key();
  SecretKey bob = generate_secret_key();
  auto key_ab = nip44_conversation_key(alice, *public_key(bob));
  auto key_ba = nip44_conversation_key(bob, *public_key(alice));
  ASSERT_TRUE(key_ab && key_ba);
  auto first = nip44_encrypt("hello bob", *key_ab);
  auto second = nip44_encrypt("hello bob", *key_ab);
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  EXPECT_EQ(*nip44_decrypt(*first, *key_ba), "hello bob");
  EXPECT_EQ(*nip44_decrypt(*second, *key_ba), "hello bob");
}

TEST(Nip44, WrongKeyOrTamperingFailsTheMac) {
  SecretKey key = generate_secret_key();
  auto payload = nip44_encrypt("attack at dawn", key);
  ASSERT_TRUE(payload);
  EXPECT_EQ(nip44_decrypt(*payload, generate_secret_key()).error(), "invalid MAC");
  std::string tampered = *payload;
  tampered[60] = tampered[60] == 'A' ? 'B' : 'A';
  EXPECT_EQ(nip44_decrypt(tampered, key).error(), "invalid MAC");
  // 40 bytes pad to 64, so the payload is 131 bytes and its base64 ends in one '=', which is not
  // optional. (A short message's payload is 99 bytes, a multiple of 3 with no '=' at all.)
  auto longer = nip44_encrypt(std::string(40, 'x'), key);
  ASSERT_TRUE(longer);
  ASSERT_EQ(longer->back(), '=');
  EXPECT_FALSE(nip44_decrypt(longer->substr(0, longer->size() - 1), key));
}

TEST(Nip44, VersionsOtherThanTwoAreNamed) {
  SecretKey key = generate_secret_key();
  auto payload = nip44_encrypt("x", key);
  ASSERT_TRUE(payload);
  // The first base64 character carries the top six bits of the version byte: 'A' for 2, 'B' for 6.
  std::string v6 = *payload;
  ASSERT_EQ(v6[0], 'A');
  v6[0] = 'B';
  EXPECT_EQ(nip44_decrypt(v6, key).error(), "unknown encryption version 6");
  EXPECT_EQ(nip44_decrypt("#" + payload->substr(1), key).error(),
            "unknown encryption version (the payload starts with '#')");
}

}  // namespace
}  // namespace pleb::nostr
