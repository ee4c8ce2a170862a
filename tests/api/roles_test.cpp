// The configuration's role lists as a RoleResolver, and the configured admins above any resolver.
#include "http/api/roles.hpp"

#include <gtest/gtest.h>

#include "api_harness.hpp"

namespace pleb::api {
namespace {

TEST(ConfiguredRoles, ModeratorsAreMembersAndOthersAreNot) {
  nostr::Bytes32 moderator{1}, member{2}, stranger{3};
  auto resolve = configured_roles({moderator}, {member});
  EXPECT_EQ(resolve(moderator).role, Role::kModerator);
  EXPECT_TRUE(resolve(moderator).is_member);
  EXPECT_EQ(resolve(member).role, Role::kMember);
  EXPECT_TRUE(resolve(member).is_member);
  EXPECT_EQ(resolve(stranger).role, Role::kMember);
  EXPECT_FALSE(resolve(stranger).is_member);
  EXPECT_EQ(resolve(stranger).pubkey, stranger);
}

TEST(ConfiguredRoles, ServeTheRouterOverTheWire) {
  testing::Signer moderator = testing::new_signer(), admin = testing::new_signer();
  RouterOptions options;
  options.public_url = "https://relay.example";
  options.admins = {admin.pubkey};
  options.roles = configured_roles({moderator.pubkey, admin.pubkey}, {});
  testing::ServedRouter server(std::move(options), [](Router& router) {
    router.add("GET", "/api/v1/moderation", Access::kModerator, [](const Request& request) {
      return json_response("{\"role\":\"" + std::string(role_name(request.principal->role)) + "\"}");
    });
  });
  auto as = [&](const testing::Signer& signer) {
    return server.send(
        "GET", "/api/v1/moderation",
        {{"Authorization", testing::nip98_header(signer, "https://relay.example/api/v1/moderation", "GET")}});
  };
  EXPECT_EQ(as(moderator).body, "{\"role\":\"moderator\"}");
  EXPECT_EQ(as(admin).body, "{\"role\":\"admin\"}");  // the admin list wins over the resolver
  EXPECT_EQ(as(testing::new_signer()).status, 403u);
}

// A resolver whose database is down: the request is not at fault, so 503 with Retry-After (a client
// retries), never a 500; a resolver's own ApiError is answered as it says, and a 503 still gets Retry-After.
TEST(RoleResolverFailures, AreAnswered503WithRetryAfterOrTheirProblemAndLogged) {
  testing::Signer signer = testing::new_signer();
  std::string log;
  bool unavailable = false;
  RouterOptions options;
  options.public_url = "https://relay.example";
  options.log = [&log](std::string_view line) { log.append(line); };
  options.unavailable_retry_after = std::chrono::seconds(7);
  options.roles = [&unavailable](const nostr::Bytes32&) -> Principal {
    if (unavailable) throw ApiError{503, "Service Unavailable", "membership records are unavailable"};
    throw std::runtime_error("no connection to the user database");
  };
  testing::ServedRouter server(std::move(options), [](Router& router) {
    router.add("GET", "/api/v1/x", Access::kAuthenticated,
               [](const Request&) { return json_response("{}"); });
  });
  auto send = [&] {
    return server.send(
        "GET", "/api/v1/x",
        {{"Authorization", testing::nip98_header(signer, "https://relay.example/api/v1/x", "GET", "",
                                                 testing::unix_now() - (unavailable ? 1 : 0))}});
  };
  auto failed = send();
  EXPECT_EQ(failed.status, 503u);
  EXPECT_EQ(failed.header("content-type"), "application/problem+json");
  EXPECT_EQ(failed.header("retry-after"), "7");
  EXPECT_EQ(testing::problem_detail(failed), "the membership records are unavailable; try again");
  EXPECT_NE(log.find("GET /api/v1/x could not look up the caller's role: no connection to the user database"),
            std::string::npos)
      << log;
  unavailable = true;
  auto refused = send();
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.header("retry-after"), "7");
  EXPECT_EQ(testing::problem_detail(refused), "membership records are unavailable");
}

}  // namespace
}  // namespace pleb::api
