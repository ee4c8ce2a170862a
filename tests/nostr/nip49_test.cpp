// NIP-49 private key encryption: the example of the NIP-49 text (tests/data/nip49-vectors.json, see
// PROVENANCE.md), round trips and every decryption error. Only the spec vector pays for log_n 16;
// everything else uses small log_n to keep the suite fast.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <string>

#include "nostr/bech32.hpp"
#include "nostr/nip19.hpp"
#include "nostr/nip49.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::nostr {
namespace {

namespace dom = simdjson::dom;

constexpr std::uint8_t kFastLogN = 4;

SecretKey test_key() {
  return SecretKey(*parse_hex_lower<32>("3501454135014541350145413501453fefb02227e449e57cf4d3a3ce05378683"));
}

Nip49Salt test_salt() {
  Nip49Salt salt;
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(i);
  return salt;
}

Nip49Nonce test_nonce() {
  Nip49Nonce nonce;
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(0xa0 + i);
  return nonce;
}

std::string encrypt_fast(KeySecurity security = KeySecurity::kUnknown) {
  auto encrypted = nip49_encrypt(test_key(), "secret", kFastLogN, security, test_salt(), test_nonce());
  EXPECT_TRUE(encrypted) << encrypted.error();
  return encrypted.ok() ? *encrypted : std::string();
}

// Re-encodes an ncryptsec after `edit` changed its bytes, so each field can be broken on purpose.
template <typename Edit>
std::string edited(const std::string& ncryptsec, Edit edit) {
  auto decoded = bech32::decode(ncryptsec);
  EXPECT_TRUE(decoded);
  auto bytes = bech32::values_to_bytes(decoded->values);
  EXPECT_TRUE(bytes);
  edit(*bytes);
  return bech32::encode(decoded->hrp, bech32::bytes_to_values(*bytes));
}

TEST(Nip49, DecryptsTheSpecExample) {
  dom::parser parser;
  dom::element doc = parser.load(PLEB_TEST_DATA "/nip49-vectors.json");
  std::size_t n = 0;
  for (dom::element v : doc["vectors"]) {
    std::string_view ncryptsec = v["ncryptsec"];
    std::string_view password = v["password"];
    std::uint64_t log_n = v["log_n"];
    auto decrypted = nip49_decrypt(ncryptsec, password);
    ASSERT_TRUE(decrypted) << decrypted.error();
    EXPECT_EQ(to_hex(decrypted->key.bytes()), v["private_key"].get_string().value());
    EXPECT_EQ(decrypted->log_n, log_n);
    EXPECT_EQ(nip49_decrypt(ncryptsec, "nostr!").error(), "wrong password or corrupted ncryptsec");
    ++n;
  }
  EXPECT_EQ(n, 1u);
}

TEST(Nip49, RoundTripsEveryKeySecurityValue) {
  for (KeySecurity security :
       {KeySecurity::kKnownInsecure, KeySecurity::kNotKnownInsecure, KeySecurity::kUnknown}) {
    SecretKey key = generate_secret_key();
    auto encrypted = nip49_encrypt(key, "correct horse battery staple", kFastLogN, security);
    ASSERT_TRUE(encrypted) << encrypted.error();
    EXPECT_EQ(encrypted->rfind("ncryptsec1", 0), 0u);
    auto decrypted = nip49_decrypt(*encrypted, "correct horse battery staple");
    ASSERT_TRUE(decrypted) << decrypted.error();
    EXPECT_EQ(decrypted->key.bytes(), key.bytes());
    EXPECT_EQ(decrypted->key_security, security);
    EXPECT_EQ(decrypted->log_n, kFastLogN);
  }
}

TEST(Nip49, FixedSaltAndNonceAreDeterministicRandomOnesAreNot) {
  std::string a = encrypt_fast();
  EXPECT_EQ(a, encrypt_fast());
  // 91 bytes are 146 five-bit values; with "ncryptsec", "1" and the checksum that is 162 characters.
  EXPECT_EQ(a.size(), 162u);
  auto r1 = nip49_encrypt(test_key(), "secret", kFastLogN);
  auto r2 = nip49_encrypt(test_key(), "secret", kFastLogN);
  ASSERT_TRUE(r1 && r2);
  EXPECT_NE(*r1, *r2);
}

TEST(Nip49, WrongPasswordIsReportedClearly) {
  auto decrypted = nip49_decrypt(encrypt_fast(), "Secret");
  ASSERT_FALSE(decrypted);
  EXPECT_EQ(decrypted.error(), "wrong password or corrupted ncryptsec");
  EXPECT_EQ(nip49_decrypt(encrypt_fast(), "").error(), "wrong password or corrupted ncryptsec");
}

TEST(Nip49, KeySecurityByteIsAuthenticated) {
  std::string tampered =
      edited(encrypt_fast(KeySecurity::kKnownInsecure), [](ByteVector& b) { b[42] = 0x01; });
  EXPECT_EQ(nip49_decrypt(tampered, "secret").error(), "wrong password or corrupted ncryptsec");
  std::string flipped = edited(encrypt_fast(), [](ByteVector& b) { b[60] ^= 1; });
  EXPECT_EQ(nip49_decrypt(flipped, "secret").error(), "wrong password or corrupted ncryptsec");
}

TEST(Nip49, RejectsOtherVersions) {
  std::string v1 = edited(encrypt_fast(), [](ByteVector& b) { b[0] = 0x01; });
  EXPECT_EQ(nip49_decrypt(v1, "secret").error(),
            "unsupported ncryptsec version 1 (this build reads version 2)");
}

TEST(Nip49, RejectsBadLengths) {
  std::string shorter = edited(encrypt_fast(), [](ByteVector& b) { b.pop_back(); });
  EXPECT_EQ(nip49_decrypt(shorter, "secret").error(), "invalid ncryptsec: 90 bytes, expected 91");
  std::string longer = edited(encrypt_fast(), [](ByteVector& b) { b.push_back(0); });
  EXPECT_EQ(nip49_decrypt(longer, "secret").error(), "invalid ncryptsec: 92 bytes, expected 91");
}

TEST(Nip49, RejectsBadBech32AndOtherPrefixes) {
  std::string text = encrypt_fast();
  std::string typo = text;
  typo[40] = typo[40] == 'q' ? 'p' : 'q';
  EXPECT_EQ(nip49_decrypt(typo, "secret").error(), "invalid ncryptsec: bad bech32 checksum");
  EXPECT_EQ(nip49_decrypt("", "secret").error().rfind("invalid ncryptsec: ", 0), 0u);
  EXPECT_EQ(nip49_decrypt("ncryptsec1b", "secret").error().rfind("invalid ncryptsec: ", 0), 0u);
  auto nsec = nip49_decrypt(encode_nsec(test_key().bytes()), "secret");
  EXPECT_EQ(nsec.error(), "invalid ncryptsec: expected the prefix ncryptsec, got nsec");
}

TEST(Nip49, AcceptsUppercase) {
  std::string upper = encrypt_fast();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto decrypted = nip49_decrypt(upper, "secret");
  ASSERT_TRUE(decrypted) << decrypted.error();
  EXPECT_EQ(decrypted->key.bytes(), test_key().bytes());
}

TEST(Nip49, LogNLimits) {
  EXPECT_EQ(nip49_encrypt(test_key(), "pw", 0).error(),
            "log_n must be 1 to 22, not 0 (scrypt would need 128 * 8 * 2^log_n bytes of memory)");
  EXPECT_FALSE(nip49_encrypt(test_key(), "pw", 23));
  EXPECT_TRUE(nip49_encrypt(test_key(), "pw", 1));
  // Refused before any memory is allocated for scrypt.
  std::string huge = edited(encrypt_fast(), [](ByteVector& b) { b[1] = 40; });
  EXPECT_EQ(nip49_decrypt(huge, "secret").error(),
            "ncryptsec log_n must be 1 to 22, not 40 (scrypt would need 128 * 8 * 2^log_n bytes of memory)");
}

TEST(Nip49, RejectsUnknownKeySecurityBytes) {
  auto encrypted = nip49_encrypt(test_key(), "pw", kFastLogN, static_cast<KeySecurity>(3));
  EXPECT_EQ(encrypted.error(), "unknown key security byte 3 (expected 0, 1 or 2)");
  std::string three = edited(encrypt_fast(), [](ByteVector& b) { b[42] = 3; });
  EXPECT_EQ(nip49_decrypt(three, "secret").error(), "unknown key security byte 3 (expected 0, 1 or 2)");
}

TEST(Nip49, RejectsEmptyPasswordsAndInvalidKeys) {
  EXPECT_EQ(nip49_encrypt(test_key(), "", kFastLogN).error(), "the password is empty");
  EXPECT_EQ(nip49_encrypt(SecretKey(), "pw", kFastLogN).error(), "invalid secret key");
  Bytes32 order_plus;
  order_plus.fill(0xff);
  EXPECT_FALSE(nip49_encrypt(SecretKey(order_plus), "pw", kFastLogN));
}

// No NFKC library in the core: non-ASCII passwords are the bytes given. The same bytes decrypt;
// a differently composed spelling of the same text does not (documented in nip49.hpp).
TEST(Nip49, NonAsciiPasswordsAreUsedAsGivenBytes) {
  const std::string composed = "pa\xc3\xb1o";     // "paño" with U+00F1
  const std::string decomposed = "pan\xcc\x83o";  // "paño" with n + U+0303
  auto encrypted = nip49_encrypt(test_key(), composed, kFastLogN);
  ASSERT_TRUE(encrypted);
  EXPECT_TRUE(nip49_decrypt(*encrypted, composed));
  EXPECT_FALSE(nip49_decrypt(*encrypted, decomposed));
}

}  // namespace
}  // namespace pleb::nostr
