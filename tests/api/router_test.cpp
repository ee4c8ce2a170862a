// The router over the wire: matching and its errors (400/404/405/413/415), CORS, ETags and their
// invalidation, rate limiting (429), and handler failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "api_harness.hpp"
#include "test_routes.hpp"

namespace pleb::api::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kPublicUrl = "https://relay.example";
constexpr std::string_view kAppOrigin = "https://app.example";

// What the limiter was asked, for checking that the router tells it who is calling what.
struct LimiterCall {
  std::string ip;
  std::optional<nostr::Bytes32> pubkey;
  std::string route;
};

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : server_(options(), [this](Router& router) { add_test_routes(router, state_); }) {}

  RouterOptions options() {
    RouterOptions options;
    options.public_url = std::string(kPublicUrl);
    options.cors_origins = {std::string(kAppOrigin)};
    options.roles = [this](const nostr::Bytes32& pubkey) {
      Principal principal;
      principal.is_member = pubkey == member_.pubkey;
      return principal;
    };
    // A simple limiter: two calls of the limited route per caller, then come back in 7 s.
    options.rate_limiter = [this](std::string_view ip, const std::optional<nostr::Bytes32>& pubkey,
                                  const RouteInfo& route) {
      std::lock_guard lock(limiter_mutex_);
      calls_.push_back(LimiterCall{std::string(ip), pubkey, route.pattern});
      if (route.pattern != "/api/v1/test/limited") return RateDecision{};
      int& used = used_[pubkey ? nostr::to_hex(*pubkey) : std::string(ip)];
      if (++used <= 2) return RateDecision{};
      return RateDecision{false, std::chrono::seconds(7)};
    };
    options.log = [this](std::string_view line) {
      std::lock_guard lock(limiter_mutex_);
      log_.append(line).append("\n");
    };
    return options;
  }

  HttpResult signed_request(const Signer& signer, const std::string& method, const std::string& target,
                            const std::string& body = "") {
    std::map<std::string, std::string> headers{
        {"Authorization", nip98_header(signer, std::string(kPublicUrl) + target, method, body)}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return server_.send(method, target, headers, body);
  }

  Signer member_ = new_signer();
  TestRouteState state_;
  std::mutex limiter_mutex_;
  std::vector<LimiterCall> calls_;
  std::map<std::string, int> used_;
  std::string log_;
  ServedRouter server_;
};

TEST_F(RouterTest, UnknownPathsAre404ProblemDocuments) {
  auto result = server_.send("GET", "/api/v1/nothing/here");
  EXPECT_EQ(result.status, 404u);
  EXPECT_EQ(problem_detail(result), "no API resource at /api/v1/nothing/here");
  EXPECT_EQ(server_.send("GET", "/api/v1/test/items/1/extra").status, 404u);
  EXPECT_EQ(server_.send("GET", "/api/v1/test/items/").status, 404u);  // an empty parameter matches nothing
  EXPECT_EQ(server_.send("GET", "/elsewhere").status, 404u);
}

TEST_F(RouterTest, AKnownPathWithAnotherMethodIs405WithAllow) {
  auto result = server_.send("POST", "/api/v1/test/notes", {{"Content-Type", "application/json"}}, "[]");
  EXPECT_EQ(result.status, 405u);
  EXPECT_EQ(result.header("allow"), "GET, HEAD, OPTIONS, PUT");
  EXPECT_EQ(problem_detail(result), "this resource does not accept POST");
  // Methods of every pattern matching the path are allowed: DELETE /items/{id} and GET /items/special.
  EXPECT_EQ(server_.send("PATCH", "/api/v1/test/items/special").header("allow"),
            "DELETE, GET, HEAD, OPTIONS");
}

TEST_F(RouterTest, PathParametersAndQueriesAreDecoded) {
  auto result = server_.send("GET", "/api/v1/test/items/a%20b%2Fc?sort=new+first&x=%41");
  ASSERT_EQ(result.status, 200u) << result.body;
  EXPECT_EQ(json_field(result.body, "id"), "a b/c");
  EXPECT_EQ(json_field(result.body, "sort"), "new first");
  EXPECT_EQ(json_field(server_.send("GET", "/api/v1/test/items/special").body, "special"), "true");
}

TEST_F(RouterTest, MalformedTargetsAre400) {
  for (const char* target : {"/api/v1/test/items/%zz", "/api/v1/test/items/%4", "/api/v1/test/items/a%00b",
                             "/api/v1/test/items/1?sort=%g0"}) {
    auto result = server_.send("GET", target);
    EXPECT_EQ(result.status, 400u) << target;
    EXPECT_EQ(problem_detail(result), "the request target is not a valid path and query");
  }
}

TEST_F(RouterTest, HeadIsAnsweredLikeGetWithoutABody) {
  auto result = server_.send("HEAD", "/api/v1/test/items/5");
  EXPECT_EQ(result.status, 200u);
  EXPECT_EQ(result.body, "");
  EXPECT_EQ(result.header("content-type"), "application/json");
}

TEST_F(RouterTest, BodiesOverTheRouteLimitAre413) {
  auto result = server_.send("POST", "/api/v1/test/echo", {{"Content-Type", "application/json"}},
                             "\"" + std::string(2000, 'x') + "\"");
  EXPECT_EQ(result.status, 413u);
  EXPECT_EQ(problem_detail(result), "the request body is larger than 1024 bytes");
}

TEST_F(RouterTest, BodiesThatAreNotJsonAre415) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
    auto result = server_.send("POST", "/api/v1/test/echo", {{"Content-Type", type}}, "a=1");
    EXPECT_EQ(result.status, 415u) << type;
    EXPECT_EQ(problem_detail(result), "the request body must be application/json");
  }
  std::string body = "{\"n\":1}";
  auto accepted = server_.send(
      "POST", "/api/v1/test/echo",
      {{"Content-Type", "Application/JSON; charset=utf-8"},
       {"Authorization", nip98_header(member_, std::string(kPublicUrl) + "/api/v1/test/echo", "POST", body)}},
      body);
  EXPECT_EQ(accepted.status, 201u) << accepted.body;
}

TEST_F(RouterTest, PreflightFromAnAllowedOriginIsAnswered) {
  auto result = server_.send("OPTIONS", "/api/v1/test/notes",
                             {{"Origin", std::string(kAppOrigin)},
                              {"Access-Control-Request-Method", "PUT"},
                              {"Access-Control-Request-Headers", "authorization, content-type"}});
  EXPECT_EQ(result.status, 204u);
  EXPECT_EQ(result.header("access-control-allow-origin"), kAppOrigin);
  EXPECT_EQ(result.header("access-control-allow-methods"), "GET, HEAD, OPTIONS, PUT");
  EXPECT_THAT(result.header("access-control-allow-headers"), HasSubstr("Authorization"));
  EXPECT_THAT(result.header("access-control-allow-headers"), HasSubstr("Content-Type"));
  EXPECT_EQ(result.header("access-control-max-age"), "600");
  EXPECT_EQ(result.header("vary"), "Origin");
}

TEST_F(RouterTest, PreflightFromAnotherOriginOrForAnotherMethodIsRefused) {
  auto stranger =
      server_.send("OPTIONS", "/api/v1/test/notes",
                   {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "PUT"}});
  EXPECT_EQ(stranger.status, 403u);
  EXPECT_EQ(stranger.header("access-control-allow-origin"), "");
  EXPECT_EQ(problem_detail(stranger), "cross-origin requests from https://evil.example are not allowed");

  auto method =
      server_.send("OPTIONS", "/api/v1/test/notes",
                   {{"Origin", std::string(kAppOrigin)}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(method.status, 405u);
  EXPECT_EQ(method.header("allow"), "GET, HEAD, OPTIONS, PUT");

  EXPECT_EQ(server_.send("OPTIONS", "/api/v1/nothing", {{"Origin", std::string(kAppOrigin)}}).status, 404u);
  auto plain = server_.send("OPTIONS", "/api/v1/test/notes");
  EXPECT_EQ(plain.status, 204u);
  EXPECT_EQ(plain.header("allow"), "GET, HEAD, OPTIONS, PUT");
}

TEST_F(RouterTest, ResponsesCarryTheAllowedOriginErrorsIncluded) {
  auto ok = server_.send("GET", "/api/v1/test/items/1", {{"Origin", std::string(kAppOrigin)}});
  EXPECT_EQ(ok.header("access-control-allow-origin"), kAppOrigin);
  EXPECT_THAT(ok.header("access-control-expose-headers"), HasSubstr("ETag"));
  auto unauthorized = server_.send("GET", "/api/v1/test/whoami", {{"Origin", std::string(kAppOrigin)}});
  EXPECT_EQ(unauthorized.status, 401u);
  EXPECT_EQ(unauthorized.header("access-control-allow-origin"), kAppOrigin);
  auto other = server_.send("GET", "/api/v1/test/items/1", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.status, 200u);
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
}

TEST(RouterCorsAnyOrigin, AStarAllowsEveryOrigin) {
  TestRouteState state;
  RouterOptions options;
  options.cors_origins = {"*"};
  ServedRouter server(std::move(options), [&state](Router& router) { add_test_routes(router, state); });
  auto result = server.send("GET", "/api/v1/test/items/1", {{"Origin", "https://anywhere.example"}});
  EXPECT_EQ(result.header("access-control-allow-origin"), "*");
  EXPECT_EQ(result.header("vary"), "");
}

TEST_F(RouterTest, CacheableRoutesAnswer304ToAMatchingTagWithoutRunningTheHandler) {
  auto first = server_.send("GET", "/api/v1/test/notes");
  ASSERT_EQ(first.status, 200u);
  std::string etag = first.header("etag");
  EXPECT_THAT(etag, ::testing::MatchesRegex("\"[0-9a-f]{32}\""));
  EXPECT_EQ(first.header("cache-control"), "no-cache");
  EXPECT_EQ(state_.notes_reads.load(), 1);

  auto again = server_.send("GET", "/api/v1/test/notes", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(state_.notes_reads.load(), 1);  // answered from the remembered tag

  auto listed = server_.send("GET", "/api/v1/test/notes", {{"If-None-Match", "\"other\", W/" + etag}});
  EXPECT_EQ(listed.status, 304u);
  auto stale = server_.send("GET", "/api/v1/test/notes", {{"If-None-Match", "\"other\""}});
  EXPECT_EQ(stale.status, 200u);
  EXPECT_EQ(stale.header("etag"), etag);                                      // same body, same tag
  EXPECT_EQ(server_.send("GET", "/api/v1/test/items/1").header("etag"), "");  // not cacheable
}

TEST_F(RouterTest, ASuccessfulWriteInvalidatesTheTags) {
  std::string etag = server_.send("GET", "/api/v1/test/notes").header("etag");
  auto refused = signed_request(new_signer(), "PUT", "/api/v1/test/notes", "[\"x\"]");
  EXPECT_EQ(refused.status, 403u);  // not a member: no write, the tag stays valid
  EXPECT_EQ(server_.send("GET", "/api/v1/test/notes", {{"If-None-Match", etag}}).status, 304u);

  ASSERT_EQ(signed_request(member_, "PUT", "/api/v1/test/notes", "[\"first\"]").status, 200u);
  int reads = state_.notes_reads.load();
  auto changed = server_.send("GET", "/api/v1/test/notes", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200u);
  EXPECT_EQ(state_.notes_reads.load(), reads + 1);
  EXPECT_EQ(changed.body, "{\"notes\":[\"first\"]}");
  EXPECT_NE(changed.header("etag"), etag);
  EXPECT_EQ(server_.send("GET", "/api/v1/test/notes", {{"If-None-Match", changed.header("etag")}}).status,
            304u);
}

TEST_F(RouterTest, ADeniedRequestIs429WithRetryAfter) {
  for (int i = 0; i < 2; ++i) EXPECT_EQ(server_.send("GET", "/api/v1/test/limited").status, 200u);
  auto limited = server_.send("GET", "/api/v1/test/limited");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.header("retry-after"), "7");
  EXPECT_EQ(problem_detail(limited), "rate limit exceeded; retry after 7 s");
  // The signed caller is counted by its pubkey, not by the address it shares with the others.
  EXPECT_EQ(signed_request(member_, "GET", "/api/v1/test/limited").status, 200u);
}

TEST_F(RouterTest, TheLimiterIsToldTheAddressThePubkeyAndTheRoute) {
  signed_request(member_, "GET", "/api/v1/test/items/3");
  server_.send("GET", "/api/v1/test/whoami");  // refused for missing credentials, still counted
  std::lock_guard lock(limiter_mutex_);
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].ip, "127.0.0.1");
  EXPECT_EQ(calls_[0].pubkey, member_.pubkey);
  EXPECT_EQ(calls_[0].route, "/api/v1/test/items/{id}");
  EXPECT_EQ(calls_[1].pubkey, std::nullopt);
  EXPECT_EQ(calls_[1].route, "/api/v1/test/whoami");
}

TEST_F(RouterTest, HandlerFailuresAre500WithoutInternals) {
  auto result = server_.send("GET", "/api/v1/test/boom");
  EXPECT_EQ(result.status, 500u);
  EXPECT_EQ(problem_detail(result), "the request could not be handled");
  EXPECT_THAT(result.body, Not(HasSubstr("hunter2")));
  std::lock_guard lock(limiter_mutex_);
  EXPECT_THAT(log_, HasSubstr("GET /api/v1/test/boom failed: lost connection"));
}

TEST_F(RouterTest, ApiErrorsBecomeTheirProblem) {
  auto result = server_.send("GET", "/api/v1/test/conflict");
  EXPECT_EQ(result.status, 409u);
  EXPECT_EQ(problem_detail(result), "the item is in use");
}

TEST_F(RouterTest, TheOpenApiDocumentIsServed) {
  auto result = server_.send("GET", "/api/v1/openapi.json");
  EXPECT_EQ(result.status, 200u);
  EXPECT_EQ(result.header("content-type"), "application/json");
  EXPECT_EQ(json_field(result.body, "openapi"), "3.0.3");
  EXPECT_FALSE(result.header("etag").empty());
}

TEST(RouterRegistration, RefusesBadPatternsAndDuplicates) {
  Router router;
  auto handler = [](const Request&) { return json_response("{}"); };
  EXPECT_THROW(router.add("GET", "/api/v1/a/{x}/{x}", Access::kPublic, handler), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/api/v1/a/x{y}", Access::kPublic, handler), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/api/v1//a", Access::kPublic, handler), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/other", Access::kPublic, handler), std::invalid_argument);
  EXPECT_THROW(router.add("HEAD", "/api/v1/a", Access::kPublic, handler), std::invalid_argument);
  router.add("GET", "/api/v1/a/{x}", Access::kPublic, handler);
  EXPECT_THROW(router.add("GET", "/api/v1/a/{x}", Access::kAdmin, handler), std::invalid_argument);
  EXPECT_THROW(router.add("POST", "/api/v1/auth/session", Access::kPublic, handler), std::invalid_argument);
}

}  // namespace
}  // namespace pleb::api::testing
