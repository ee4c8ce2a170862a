#include "http/api/roles.hpp"

#include <memory>
#include <set>

namespace pleb::api {

RoleResolver configured_roles(const std::vector<nostr::Bytes32>& moderators,
                              const std::vector<nostr::Bytes32>& members) {
  struct Lists {
    std::set<nostr::Bytes32> moderators, members;
  };
  auto lists = std::make_shared<const Lists>(
      Lists{{moderators.begin(), moderators.end()}, {members.begin(), members.end()}});
  return [lists](const nostr::Bytes32& pubkey) {
    Principal principal;
    principal.pubkey = pubkey;
    if (lists->moderators.contains(pubkey)) {
      principal.role = Role::kModerator;
      principal.is_member = true;
    } else {
      principal.is_member = lists->members.contains(pubkey);
    }
    return principal;
  };
}

}  // namespace pleb::api
