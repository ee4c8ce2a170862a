// The OpenAPI document against the routes the real user service registers (not stand-ins): every route it
// serves is documented with its access level, and every documented route is served by the gateway or by
// the user service. A route added to either side without the other fails here.
#include <gtest/gtest.h>

#include "http/api/openapi.hpp"
#include "scratch_db.hpp"
#include "services/moderation/ban_routes.hpp"
#include "services/moderation/routes.hpp"
#include "services/users/routes.hpp"
#include "services/users/user_service.hpp"

namespace pleb::users {
namespace {

using pleb::testing::Backend;
using pleb::testing::ScratchDb;

TEST(UsersOpenApi, DocumentDescribesExactlyTheRoutesTheUserServiceServes) {
  ScratchDb scratch(Backend::kSqlite);
  auto db = scratch.open();
  UserService users(*db, UsersConfig{});
  moderation::ModerationService moderation(*db, moderation::ModerationConfig{});
  moderation::BanService bans(*db);
  api::Router router;
  add_user_routes(router, users);
  moderation::add_moderation_routes(router, moderation);
  moderation::add_ban_routes(router, bans);

  for (const std::string& disagreement :
       api::compare_with_openapi(router.routes(), api::openapi_document())) {
    ADD_FAILURE() << disagreement;
  }
  // The gateway's two routes, the user service's nine, the moderation queue's three and the bans' three; a
  // router that lost them would agree vacuously.
  EXPECT_EQ(router.routes().size(), 17u);
}

}  // namespace
}  // namespace pleb::users
