#pragma once
// The ban service's REST routes on the API router, for moderators (and admins):
//   GET    /api/v1/moderation/bans                  the bans, oldest first (limit, cursor, type)
//   POST   /api/v1/moderation/bans                  {type, value, reason?, shadow?}: 201 with the ban, 409 if
//                                                   banned already, 422 for a bad field
//   DELETE /api/v1/moderation/bans/{type}/{value}   lift it: 204, 404 when there is no such ban
#include <string>

#include "http/api/router.hpp"
#include "services/moderation/ban_service.hpp"

namespace pleb::moderation {

// `bans` must outlive the router.
void add_ban_routes(api::Router& router, BanService& bans);

// {"type","value","shadow","reason","banned_by","banned_at"}
std::string ban_json(const Ban& ban);

}  // namespace pleb::moderation
