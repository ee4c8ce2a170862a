// Session tokens on their own: what they carry, and every way a token is refused.
#include "http/api/session_tokens.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "nostr/schnorr.hpp"

namespace pleb::api {
namespace {

constexpr std::int64_t kNow = 1'750'000'000;
const std::string kSecret(32, 's');

std::string base64url(std::string_view text) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(text.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    variant);
  out.resize(out.size() - 1);
  return out;
}

TEST(SessionTokens, CarryThePubkeyRoleAndTimes) {
  SessionTokens tokens(kSecret, std::chrono::minutes(15));
  nostr::Bytes32 pubkey = nostr::random_bytes32();
  auto claims = tokens.verify(tokens.issue(pubkey, Role::kModerator, kNow), kNow + 10);
  ASSERT_TRUE(claims) << claims.error();
  EXPECT_EQ(claims->pubkey, pubkey);
  EXPECT_EQ(claims->role, Role::kModerator);
  EXPECT_EQ(claims->issued_at, kNow);
  EXPECT_EQ(claims->expires_at, kNow + 900);
}

TEST(SessionTokens, ExpireAtTheirLifetime) {
  SessionTokens tokens(kSecret, std::chrono::seconds(60));
  std::string token = tokens.issue(nostr::random_bytes32(), Role::kMember, kNow);
  EXPECT_TRUE(tokens.verify(token, kNow + 59));
  auto expired = tokens.verify(token, kNow + 60);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error(), "session token has expired");
}

TEST(SessionTokens, RefuseTokensSignedWithAnotherKey) {
  SessionTokens ours(kSecret, std::chrono::minutes(15));
  SessionTokens theirs(std::string(32, 't'), std::chrono::minutes(15));
  auto refused = ours.verify(theirs.issue(nostr::random_bytes32(), Role::kAdmin, kNow), kNow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "session token is malformed or its signature does not verify");
}

TEST(SessionTokens, RefuseUnsignedTokens) {
  SessionTokens tokens(kSecret, std::chrono::minutes(15));
  std::string payload = R"({"sub":")" + std::string(64, 'a') + R"(","role":"admin","iat":1,"exp":)" +
                        std::to_string(kNow + 600) + "}";
  std::string unsigned_token = base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(payload) + ".";
  EXPECT_FALSE(tokens.verify(unsigned_token, kNow));
}

TEST(SessionTokens, RefuseGarbageAndMissingClaims) {
  SessionTokens tokens(kSecret, std::chrono::minutes(15));
  EXPECT_EQ(tokens.verify("", kNow).error(), "session token is malformed");
  EXPECT_EQ(tokens.verify(std::string(5000, 'a'), kNow).error(), "session token is malformed");
  EXPECT_EQ(tokens.verify("a.b.c", kNow).error(),
            "session token is malformed or its signature does not verify");
}

TEST(SessionTokens, RefuseShortSecretsAndMakeUpARandomOne) {
  EXPECT_THROW(SessionTokens("too short", std::chrono::minutes(1)), std::invalid_argument);
  SessionTokens first("", std::chrono::minutes(1)), second("", std::chrono::minutes(1));
  auto pubkey = nostr::random_bytes32();
  EXPECT_TRUE(first.verify(first.issue(pubkey, Role::kMember, kNow), kNow));
  EXPECT_FALSE(second.verify(first.issue(pubkey, Role::kMember, kNow), kNow));
}

}  // namespace
}  // namespace pleb::api
