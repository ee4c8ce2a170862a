#include "services/moderation/takedown_sweeps.hpp"

namespace pleb::moderation {

std::vector<Ban> TakedownSweeps::next(const std::vector<Ban>& bans) {
  std::lock_guard lock(mutex_);
  std::map<Identity, int> seen;
  std::vector<Ban> due;
  for (const auto& ban : bans) {
    // A purging ban that was not purging before takes the author's events down: it counts as new.
    Identity key{ban_key(ban.type, ban.value), ban.purge};
    auto previous = swept_.find(key);
    int sweeps = previous == swept_.end() ? 0 : previous->second;
    if (sweeps < kSweeps) due.push_back(ban);
    seen[std::move(key)] = std::min(sweeps + 1, kSweeps);
  }
  swept_ = std::move(seen);  // lifted bans are forgotten
  return due;
}

}  // namespace pleb::moderation
