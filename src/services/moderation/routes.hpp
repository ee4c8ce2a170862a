#pragma once
// The moderation service's REST routes on the API router, all for moderators (and admins):
//   GET  /api/v1/moderation/held                 the waiting events, oldest first (limit, cursor)
//   POST /api/v1/moderation/held/{id}/approve    store and serve it (404 unknown, 409 decided)
//   POST /api/v1/moderation/held/{id}/reject     never serve it (404 unknown, 409 decided)
#include "http/api/router.hpp"
#include "services/moderation/moderation_service.hpp"

namespace pleb::moderation {

// `moderation` must outlive the router.
void add_moderation_routes(api::Router& router, ModerationService& moderation);

// The page as JSON: {"events":[{"id","pubkey","kind","created_at","reason","held_at","event":{...}}],
// "next_cursor":"..."|null}.
std::string held_page_json(const HeldPage& page);

}  // namespace pleb::moderation
