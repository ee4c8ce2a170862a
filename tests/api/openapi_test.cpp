// The OpenAPI document against the routes: every served route documented with its access level, every
// documented route served.
#include "http/api/openapi.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pleb::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

http::HttpResponse unused(const Request&) {
  return json_response("{}");
}

// The services' routes as they register them (stand-ins here; the test of the complete
// wiring runs the same comparison on the real ones).
void add_user_service_routes(Router& router) {
  router.add("GET", "/api/v1/users/{pubkey}", Access::kPublic, unused, RouteOptions{.cacheable = true});
  router.add("PATCH", "/api/v1/users/me", Access::kAuthenticated, unused);
  router.add("POST", "/api/v1/nip05", Access::kMember, unused);
  router.add("DELETE", "/api/v1/nip05", Access::kMember, unused);
  router.add("GET", "/api/v1/nip05/{name}", Access::kPublic, unused);
  router.add("GET", "/api/v1/members", Access::kPublic, unused);
  router.add("POST", "/api/v1/members", Access::kAuthenticated, unused);
  router.add("DELETE", "/api/v1/members/me", Access::kMember, unused);
  router.add("POST", "/api/v1/members/{pubkey}/role", Access::kAdmin, unused);
  // The moderation service's queue of held writes.
  router.add("GET", "/api/v1/moderation/held", Access::kModerator, unused);
  router.add("POST", "/api/v1/moderation/held/{id}/approve", Access::kModerator, unused);
  router.add("POST", "/api/v1/moderation/held/{id}/reject", Access::kModerator, unused);
  // The moderators' bans.
  router.add("GET", "/api/v1/moderation/bans", Access::kModerator, unused);
  router.add("POST", "/api/v1/moderation/bans", Access::kModerator, unused);
  router.add("DELETE", "/api/v1/moderation/bans/{type}/{value}", Access::kModerator, unused);
}

TEST(OpenApi, DescribesExactlyTheGatewayAndUserServiceRoutes) {
  Router router;
  add_user_service_routes(router);
  EXPECT_THAT(compare_with_openapi(router.routes(), openapi_document()), IsEmpty());
}

TEST(OpenApi, ReportsRoutesThatAreNotDocumented) {
  Router router;
  add_user_service_routes(router);
  router.add("GET", "/api/v1/secret", Access::kAdmin, unused);
  EXPECT_THAT(compare_with_openapi(router.routes(), openapi_document()),
              ElementsAre("GET /api/v1/secret is served but not documented"));
}

TEST(OpenApi, ReportsDocumentedRoutesThatAreNotServed) {
  Router router;  // the gateway's own routes only
  auto problems = compare_with_openapi(router.routes(), openapi_document());
  EXPECT_EQ(problems.size(), 15u);  // the user service's nine routes and the moderation service's six
  EXPECT_THAT(problems,
              ::testing::Contains("POST /api/v1/members/{pubkey}/role is documented but not served"));
}

TEST(OpenApi, ReportsAccessLevelsThatDisagree) {
  std::vector<RouteInfo> routes = {{"GET", "/api/v1/openapi.json", Access::kPublic},
                                   {"POST", "/api/v1/auth/session", Access::kAdmin}};
  std::string document = R"({"paths":{
    "/api/v1/openapi.json":{"get":{"x-pleb-access":"public"}},
    "/api/v1/auth/session":{"post":{"x-pleb-access":"authenticated"},"parameters":[]},
    "/api/v1/x":{"get":{}}}})";
  EXPECT_THAT(
      compare_with_openapi(routes, document),
      ElementsAre("GET /api/v1/x has no x-pleb-access",
                  "POST /api/v1/auth/session access is admin in the router but authenticated in the document",
                  "GET /api/v1/x is documented but not served"));
}

TEST(OpenApi, ReportsAnUnreadableDocument) {
  auto problems = compare_with_openapi({}, "{\"paths\":");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].starts_with("the document is not valid JSON")) << problems[0];
  EXPECT_THAT(compare_with_openapi({}, "{}"), ElementsAre("the document has no paths object"));
}

}  // namespace
}  // namespace pleb::api
