#pragma once
// The user service's REST routes on the API router:
//   GET    /api/v1/users/{pubkey}          public     a profile (hex or npub)
//   PATCH  /api/v1/users/me                authenticated
//   POST   /api/v1/nip05                   member     claim or change the caller's name
//   DELETE /api/v1/nip05                   member     release it
//   GET    /api/v1/nip05/{name}            public     availability
//   GET    /api/v1/members                 public     paginated (limit, cursor)
//   POST   /api/v1/members                 authenticated: join
//   DELETE /api/v1/members/me              member     leave
//   POST   /api/v1/members/{pubkey}/role   admin      promote or demote
#include "http/api/router.hpp"
#include "services/users/user_service.hpp"

namespace pleb::users {

// `users` must outlive the router.
void add_user_routes(api::Router& router, UserService& users);

}  // namespace pleb::users
