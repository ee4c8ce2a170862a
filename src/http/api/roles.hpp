#pragma once
// A RoleResolver from configuration lists, until (and besides) the user service's membership records.
#include <vector>

#include "http/api/router.hpp"

namespace pleb::api {

// Moderators are members too; everyone else who signs in is a non-member with the member role.
// (Admins are not listed here: RouterOptions::admins settles them before any resolver is asked.)
RoleResolver configured_roles(const std::vector<nostr::Bytes32>& moderators,
                              const std::vector<nostr::Bytes32>& members);

}  // namespace pleb::api
