// Authentication and authorization over the wire: NIP-98 headers accepted and refused with their
// reasons, the session token flow, and roles deciding who may call what.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_harness.hpp"
#include "http/api/session_tokens.hpp"
#include "test_routes.hpp"

namespace pleb::api::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kPublicUrl = "https://relay.example";
const std::string kSecret = "a session secret of at least thirty-two bytes";

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() : server_(options(), [this](Router& router) { add_test_routes(router, state_); }) {}

  RouterOptions options() {
    RouterOptions options;
    options.public_url = std::string(kPublicUrl) + "/";  // a trailing slash is tolerated
    options.admins = {admin_.pubkey};
    options.session_secret = kSecret;
    options.roles = [this](const nostr::Bytes32& pubkey) {
      Principal principal;
      if (pubkey == moderator_.pubkey) principal.role = Role::kModerator;
      principal.is_member = pubkey == moderator_.pubkey || pubkey == member_.pubkey;
      return principal;
    };
    return options;
  }

  static std::string url(const std::string& target) { return std::string(kPublicUrl) + target; }

  HttpResult signed_request(const Signer& signer, const std::string& method, const std::string& target,
                            const std::string& body = "") {
    std::map<std::string, std::string> headers{
        {"Authorization", nip98_header(signer, url(target), method, body)}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return server_.send(method, target, headers, body);
  }

  HttpResult with_authorization(const std::string& authorization,
                                const std::string& target = "/api/v1/test/whoami") {
    return server_.send("GET", target, {{"Authorization", authorization}});
  }

  std::string open_session(const Signer& signer) {
    auto result = signed_request(signer, "POST", "/api/v1/auth/session");
    EXPECT_EQ(result.status, 201u) << result.body;
    return json_field(result.body, "token");
  }

  Signer admin_ = new_signer(), moderator_ = new_signer(), member_ = new_signer(), stranger_ = new_signer();
  TestRouteState state_;
  ServedRouter server_;
};

TEST_F(AuthTest, ASignedRequestReachesTheHandlerAsItsSigner) {
  auto result = signed_request(stranger_, "GET", "/api/v1/test/whoami");
  ASSERT_EQ(result.status, 200u) << result.body;
  EXPECT_EQ(json_field(result.body, "pubkey"), stranger_.pubkey_hex);
  EXPECT_EQ(json_field(result.body, "member"), "false");
  EXPECT_EQ(json_field(result.body, "credential"), "nip98");
}

TEST_F(AuthTest, ASignedBodyIsAccepted) {
  auto result = signed_request(member_, "POST", "/api/v1/test/echo", R"({"hello":"world"})");
  EXPECT_EQ(result.status, 201u) << result.body;
  EXPECT_EQ(result.body, R"({"hello":"world"})");
}

TEST_F(AuthTest, MissingCredentialsAre401WithAChallenge) {
  auto result = server_.send("GET", "/api/v1/test/whoami");
  EXPECT_EQ(result.status, 401u);
  EXPECT_EQ(result.header("www-authenticate"), "Nostr");
  EXPECT_EQ(problem_detail(result), "this resource requires a NIP-98 signed request or a session token");
}

TEST_F(AuthTest, EachRefusedSignatureIsA401WithItsReason) {
  const std::string target = "/api/v1/test/whoami";
  nostr::Event forged = nip98_event(stranger_, url(target), "GET");
  forged.sig[7] ^= 0x40;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {nip98_header(stranger_, "https://elsewhere.example" + target, "GET"),
       "authorization u tag does not match the request URL " + url(target)},
      {nip98_header(stranger_, url(target), "POST"),
       "authorization method tag does not match the request method GET"},
      {nip98_header(stranger_, url(target), "GET", "", unix_now() - 3600),
       "authorization event is too old (created_at more than 60 s before now)"},
      {nip98_header(stranger_, url(target), "GET", "", unix_now() + 3600),
       "authorization event is from the future (created_at more than 60 s after now)"},
      {nostr_authorization(forged), "authorization event is not authentic: signature does not verify"},
      {"Nostr %%%", "authorization is not valid base64"},
      {"Basic dXNlcjpwYXNz", "unsupported authorization scheme (use Nostr or Bearer)"},
  };
  for (const auto& [authorization, reason] : cases) {
    auto result = with_authorization(authorization, target);
    EXPECT_EQ(result.status, 401u) << reason;
    EXPECT_EQ(result.header("www-authenticate"), "Nostr");
    EXPECT_EQ(problem_detail(result), reason);
  }
}

TEST_F(AuthTest, AReplayedSignatureIsRefused) {
  const std::string target = "/api/v1/test/whoami";
  std::string authorization = nip98_header(stranger_, url(target), "GET");
  EXPECT_EQ(with_authorization(authorization).status, 200u);
  auto replayed = with_authorization(authorization);
  EXPECT_EQ(replayed.status, 401u);
  EXPECT_EQ(problem_detail(replayed), "authorization event was already used");
}

TEST_F(AuthTest, ABodyMustBeCoveredByThePayloadTag) {
  const std::string target = "/api/v1/test/echo";
  auto unsigned_body = server_.send(
      "POST", target,
      {{"Authorization", nip98_header(member_, url(target), "POST")}, {"Content-Type", "application/json"}},
      "{}");
  EXPECT_EQ(unsigned_body.status, 401u);
  EXPECT_EQ(problem_detail(unsigned_body), "authorization event has no payload tag (required with a body)");
  auto other_body = server_.send("POST", target,
                                 {{"Authorization", nip98_header(member_, url(target), "POST", "{\"a\":1}")},
                                  {"Content-Type", "application/json"}},
                                 "{\"a\":2}");
  EXPECT_EQ(other_body.status, 401u);
  EXPECT_EQ(problem_detail(other_body), "authorization payload tag is not the SHA-256 of the body");
}

TEST_F(AuthTest, BadCredentialsAreRefusedEvenOnPublicRoutes) {
  auto result = with_authorization("Nostr e30=", "/api/v1/test/items/1");
  EXPECT_EQ(result.status, 401u);
  EXPECT_THAT(problem_detail(result), HasSubstr("authorization event is malformed: missing field"));
}

TEST_F(AuthTest, ASessionTokenAuthenticatesLaterRequests) {
  auto opened = signed_request(member_, "POST", "/api/v1/auth/session");
  ASSERT_EQ(opened.status, 201u) << opened.body;
  EXPECT_EQ(json_field(opened.body, "token_type"), "Bearer");
  EXPECT_EQ(json_field(opened.body, "pubkey"), member_.pubkey_hex);
  EXPECT_EQ(json_field(opened.body, "role"), "member");
  EXPECT_EQ(json_field(opened.body, "member"), "true");
  EXPECT_EQ(opened.header("cache-control"), "no-store");
  std::int64_t expires_at = std::stoll(json_field(opened.body, "expires_at"));
  EXPECT_NEAR(expires_at, unix_now() + 15 * 60, 5);

  std::string bearer = "Bearer " + json_field(opened.body, "token");
  for (int i = 0; i < 2; ++i) {  // unlike a NIP-98 event, a token may be used again
    auto result = with_authorization(bearer);
    ASSERT_EQ(result.status, 200u) << result.body;
    EXPECT_EQ(json_field(result.body, "pubkey"), member_.pubkey_hex);
    EXPECT_EQ(json_field(result.body, "credential"), "session");
  }
  EXPECT_EQ(with_authorization(bearer, "/api/v1/test/club").status, 200u);
  EXPECT_EQ(with_authorization(bearer, "/api/v1/test/admin").status, 403u);
}

TEST_F(AuthTest, ASessionTokenCannotOpenAnotherSession) {
  std::string token = open_session(member_);
  auto result = server_.send("POST", "/api/v1/auth/session", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(result.status, 401u);
  EXPECT_EQ(result.header("www-authenticate"), "Nostr");
  EXPECT_EQ(problem_detail(result), "a session is opened with a NIP-98 signed request, not a session token");
}

TEST_F(AuthTest, ExpiredAndForgedTokensAreRefused) {
  SessionTokens same_key(kSecret, std::chrono::minutes(15));
  auto expired =
      with_authorization("Bearer " + same_key.issue(admin_.pubkey, Role::kAdmin, unix_now() - 3600));
  EXPECT_EQ(expired.status, 401u);
  EXPECT_EQ(problem_detail(expired), "session token has expired");

  SessionTokens other_key(std::string(40, 'x'), std::chrono::minutes(15));
  auto forged = with_authorization("Bearer " + other_key.issue(admin_.pubkey, Role::kAdmin, unix_now()));
  EXPECT_EQ(forged.status, 401u);
  EXPECT_EQ(problem_detail(forged), "session token is malformed or its signature does not verify");

  std::string token = open_session(member_);
  token.back() = token.back() == 'A' ? 'B' : 'A';
  auto tampered = with_authorization("Bearer " + token);
  EXPECT_EQ(tampered.status, 401u);
  EXPECT_EQ(problem_detail(tampered), "session token is malformed or its signature does not verify");
}

TEST_F(AuthTest, RolesDecideWhoMayCallWhat) {
  struct Case {
    const Signer* who;
    const char* target;
    unsigned status;
    const char* detail;
  };
  const Case cases[] = {
      {&stranger_, "/api/v1/test/club", 403, "this resource is for community members"},
      {&member_, "/api/v1/test/club", 200, nullptr},
      {&member_, "/api/v1/test/moderation", 403, "this resource requires the moderator or admin role"},
      {&moderator_, "/api/v1/test/moderation", 200, nullptr},
      {&moderator_, "/api/v1/test/admin", 403, "this resource requires the admin role"},
      {&member_, "/api/v1/test/admin", 403, "this resource requires the admin role"},
      {&admin_, "/api/v1/test/admin", 200, nullptr},
      {&admin_, "/api/v1/test/moderation", 200, nullptr},
      {&admin_, "/api/v1/test/club", 200, nullptr},
  };
  for (const auto& c : cases) {
    auto result = signed_request(*c.who, "GET", c.target);
    EXPECT_EQ(result.status, c.status) << c.target << " " << result.body;
    if (c.detail) EXPECT_EQ(problem_detail(result), c.detail);
  }
  auto anonymous = server_.send("GET", "/api/v1/test/admin");
  EXPECT_EQ(anonymous.status, 401u);  // no credentials: 401, not 403
}

TEST_F(AuthTest, AdminsFromTheConfigurationOutrankTheResolver) {
  auto result = signed_request(admin_, "GET", "/api/v1/test/whoami");
  EXPECT_EQ(json_field(result.body, "role"), "admin");
  EXPECT_EQ(json_field(result.body, "member"), "true");
  EXPECT_EQ(signed_request(admin_, "DELETE", "/api/v1/test/items/7").status, 204u);
  EXPECT_EQ(signed_request(moderator_, "DELETE", "/api/v1/test/items/7").status, 403u);
}

// Without a configured public URL, the URL to sign is http:// + the Host header the client sent.
TEST(AuthWithoutPublicUrl, TheSignedUrlIsBuiltFromTheHostHeader) {
  TestRouteState state;
  ServedRouter server(RouterOptions{}, [&state](Router& router) { add_test_routes(router, state); });
  Signer signer = new_signer();
  std::string host = "127.0.0.1:" + std::to_string(server.port());
  auto accepted = server.send(
      "GET", "/api/v1/test/whoami?x=1",
      {{"Authorization", nip98_header(signer, "http://" + host + "/api/v1/test/whoami?x=1", "GET")}});
  EXPECT_EQ(accepted.status, 200u) << accepted.body;
  auto https = server.send(
      "GET", "/api/v1/test/whoami",
      {{"Authorization", nip98_header(signer, "https://" + host + "/api/v1/test/whoami", "GET")}});
  EXPECT_EQ(https.status, 401u);
  EXPECT_EQ(problem_detail(https),
            "authorization u tag does not match the request URL http://" + host + "/api/v1/test/whoami");
}

}  // namespace
}  // namespace pleb::api::testing
