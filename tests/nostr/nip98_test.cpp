// NIP-98 HTTP authorization: what is accepted, and the exact reason for each kind of refusal.
#include "nostr/nip98.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "nostr/json_writer.hpp"
#include "nostr/kinds.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/sha256.hpp"

namespace pleb::nostr::nip98 {
namespace {

constexpr std::int64_t kNow = 1'750'000'000;
constexpr std::string_view kUrl = "https://relay.example/api/v1/members?limit=10";

std::string base64(std::string_view text, int variant = sodium_base64_VARIANT_ORIGINAL) {
  std::string out(sodium_base64_ENCODED_LEN(text.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    variant);
  out.resize(out.size() - 1);
  return out;
}

class Nip98Test : public ::testing::Test {
 protected:
  Event signed_event(std::vector<Tag> tags, std::int64_t created_at = kNow,
                     std::uint32_t kind = kKindHttpAuth) {
    Event event;
    event.kind = kind;
    event.created_at = created_at;
    event.tags = std::move(tags);
    EXPECT_TRUE(sign_event(event, key_));
    return event;
  }
  Event get_event(std::int64_t created_at = kNow) {
    return signed_event({{"u", std::string(kUrl)}, {"method", "GET"}}, created_at);
  }
  Event post_event(std::string_view body) {
    return signed_event({{"u", std::string(kUrl)}, {"method", "POST"}, {"payload", to_hex(sha256(body))}});
  }
  // The reason `credentials` are refused for a request, or "" when they are accepted.
  std::string refusal(const std::string& credentials, std::string_view method = "GET",
                      std::string_view body = "", std::string_view url = kUrl, std::int64_t now = kNow) {
    auto result = verify_authorization(credentials, HttpRequestFacts{url, method, body, now}, &replay_);
    return result ? std::string() : result.error();
  }

  SecretKey key_ = generate_secret_key();
  InMemoryReplayMemory replay_;
};

TEST_F(Nip98Test, AcceptsASignedRequestAndReturnsTheSigner) {
  Event event = get_event();
  auto result =
      verify_authorization(encode_authorization(event), HttpRequestFacts{kUrl, "GET", "", kNow}, &replay_);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->pubkey, *public_key(key_));
  EXPECT_EQ(result->id, event.id);
}

TEST_F(Nip98Test, AcceptsABodyWithItsPayloadHash) {
  std::string body = R"({"name":"alice"})";
  EXPECT_EQ(refusal(encode_authorization(post_event(body)), "POST", body), "");
}

TEST_F(Nip98Test, AcceptsUnpaddedBase64AndALowercaseMethod) {
  EXPECT_EQ(refusal(base64(to_json(get_event()), sodium_base64_VARIANT_ORIGINAL_NO_PADDING)), "");
  Event lowercase = signed_event({{"u", std::string(kUrl)}, {"method", "get"}});
  EXPECT_EQ(refusal(encode_authorization(lowercase)), "");
}

TEST_F(Nip98Test, AcceptsCreatedAtAtEitherEdgeOfTheWindow) {
  EXPECT_EQ(refusal(encode_authorization(get_event(kNow - 60))), "");
  EXPECT_EQ(refusal(encode_authorization(get_event(kNow + 60))), "");
}

TEST_F(Nip98Test, RefusesABadSignature) {
  Event event = get_event();
  event.sig[10] ^= 0x01;
  EXPECT_EQ(refusal(encode_authorization(event)),
            "authorization event is not authentic: signature does not verify");
}

TEST_F(Nip98Test, RefusesAnIdThatIsNotTheHash) {
  Event event = get_event();
  event.content = "changed after signing";
  EXPECT_EQ(refusal(encode_authorization(event)),
            "authorization event is not authentic: id is not the hash of the event");
}

TEST_F(Nip98Test, RefusesAnotherKind) {
  Event event = signed_event({{"u", std::string(kUrl)}, {"method", "GET"}}, kNow, kKindClientAuth);
  EXPECT_EQ(refusal(encode_authorization(event)), "authorization event must be kind 27235");
}

TEST_F(Nip98Test, RefusesAnExpiredEvent) {
  EXPECT_EQ(refusal(encode_authorization(get_event(kNow - 61))),
            "authorization event is too old (created_at more than 60 s before now)");
}

TEST_F(Nip98Test, RefusesAnEventFromTheFuture) {
  EXPECT_EQ(refusal(encode_authorization(get_event(kNow + 61))),
            "authorization event is from the future (created_at more than 60 s after now)");
}

TEST_F(Nip98Test, RefusesAnotherUrl) {
  std::string other = "https://relay.example/api/v1/members?limit=11";
  EXPECT_EQ(refusal(encode_authorization(get_event()), "GET", "", other),
            "authorization u tag does not match the request URL " + other);
  // The scheme and host are part of the URL: a signature for one server is not valid on another.
  std::string elsewhere = "http://relay.example/api/v1/members?limit=10";
  EXPECT_EQ(refusal(encode_authorization(get_event()), "GET", "", elsewhere),
            "authorization u tag does not match the request URL " + elsewhere);
}

TEST_F(Nip98Test, RefusesAnotherMethod) {
  EXPECT_EQ(refusal(encode_authorization(get_event()), "DELETE"),
            "authorization method tag does not match the request method DELETE");
}

TEST_F(Nip98Test, RefusesAPayloadHashOfAnotherBody) {
  EXPECT_EQ(refusal(encode_authorization(post_event(R"({"name":"alice"})")), "POST", R"({"name":"mallory"})"),
            "authorization payload tag is not the SHA-256 of the body");
}

TEST_F(Nip98Test, RefusesABodyWithoutAPayloadTag) {
  Event event = signed_event({{"u", std::string(kUrl)}, {"method", "POST"}});
  EXPECT_EQ(refusal(encode_authorization(event), "POST", "{}"),
            "authorization event has no payload tag (required with a body)");
}

TEST_F(Nip98Test, RefusesAReplayedEvent) {
  std::string credentials = encode_authorization(get_event());
  EXPECT_EQ(refusal(credentials), "");
  EXPECT_EQ(refusal(credentials), "authorization event was already used");
  EXPECT_EQ(refusal(credentials, "GET", "", kUrl, kNow + 30), "authorization event was already used");
}

TEST_F(Nip98Test, RefusedEventsAreNotRemembered) {
  std::string credentials = encode_authorization(get_event());
  EXPECT_NE(refusal(credentials, "PUT"), "");
  EXPECT_EQ(replay_.size(), 0u);
  EXPECT_EQ(refusal(credentials), "");
  EXPECT_EQ(replay_.size(), 1u);
}

TEST_F(Nip98Test, RefusesMalformedBase64) {
  EXPECT_EQ(refusal("not*base64!"), "authorization is not valid base64");
  EXPECT_EQ(refusal(""), "authorization is not valid base64");
  EXPECT_EQ(refusal("eyJ"), "authorization is not valid base64");  // a dangling character
}

TEST_F(Nip98Test, RefusesMalformedJson) {
  std::string reason = refusal(base64("{\"kind\":27235,"));
  EXPECT_TRUE(reason.starts_with("authorization event is malformed: ")) << reason;
  reason = refusal(base64("[\"not\",\"an\",\"object\"]"));
  EXPECT_EQ(reason, "authorization event is malformed: event must be a JSON object");
  Event event = get_event();
  std::string json = to_json(event);
  json.replace(json.find("\"sig\""), 5, "\"sog\"");
  EXPECT_EQ(refusal(base64(json)), "authorization event is malformed: missing field: sig");
}

TEST_F(Nip98Test, RefusesMissingTags) {
  EXPECT_EQ(refusal(encode_authorization(signed_event({{"method", "GET"}}))),
            "authorization event has no u tag");
  EXPECT_EQ(refusal(encode_authorization(signed_event({{"u", std::string(kUrl)}}))),
            "authorization event has no method tag");
  EXPECT_EQ(refusal(encode_authorization(signed_event({{"u"}, {"method", "GET"}}))),
            "authorization event has no u tag");
}

TEST_F(Nip98Test, RefusesOversizedCredentials) {
  EXPECT_EQ(refusal(std::string(20'000, 'A')), "authorization is too long");
}

TEST(InMemoryReplayMemory, ForgetsIdsOnceTheyCannotBeReplayed) {
  InMemoryReplayMemory memory;
  Bytes32 id{1};
  EXPECT_EQ(memory.record(id, kNow + 61, kNow), ReplayMemory::Use::kFirst);
  EXPECT_EQ(memory.record(id, kNow + 61, kNow + 60), ReplayMemory::Use::kReplay);
  EXPECT_EQ(memory.record(Bytes32{2}, kNow + 200, kNow + 61), ReplayMemory::Use::kFirst);
  EXPECT_EQ(memory.size(), 1u);  // the first id was forgotten at kNow + 61
}

TEST(InMemoryReplayMemory, RefusesRatherThanForgettingEarlyWhenFull) {
  InMemoryReplayMemory memory(2);
  EXPECT_EQ(memory.record(Bytes32{1}, kNow + 10, kNow), ReplayMemory::Use::kFirst);
  EXPECT_EQ(memory.record(Bytes32{2}, kNow + 20, kNow), ReplayMemory::Use::kFirst);
  EXPECT_EQ(memory.record(Bytes32{3}, kNow + 30, kNow), ReplayMemory::Use::kFull);
  EXPECT_EQ(memory.record(Bytes32{1}, kNow + 10, kNow), ReplayMemory::Use::kReplay);
  EXPECT_EQ(memory.record(Bytes32{3}, kNow + 30, kNow + 10), ReplayMemory::Use::kFirst);
}

TEST_F(Nip98Test, AFullReplayMemoryRefusesWithAReason) {
  InMemoryReplayMemory tiny(1);
  auto facts = HttpRequestFacts{kUrl, "GET", "", kNow};
  ASSERT_TRUE(verify_authorization(encode_authorization(get_event()), facts, &tiny));
  auto refused = verify_authorization(encode_authorization(get_event(kNow - 1)), facts, &tiny);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "too many recent authorization events to remember; try again in a minute");
}

}  // namespace
}  // namespace pleb::nostr::nip98
