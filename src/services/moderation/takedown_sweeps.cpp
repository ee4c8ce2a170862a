#include "services/moderation/takedown_sweeps.hpp"

namespace pleb::moderation {
namespace {

// A purging ban that was not purging before takes the author's events down: it counts as a new ban.
std::string identity(const Ban& ban) {
  std::string id(1, static_cast<char>('0' + static_cast<int>(ban.type)));
  id += ban.purge ? 'p' : '-';
  id += ban.value;
  return id;
}

}  // namespace

std::vector<Ban> TakedownSweeps::next(const std::vector<Ban>& bans) {
  std::lock_guard lock(mutex_);
  std::map<std::string, int> seen;
  std::vector<Ban> due;
  for (const auto& ban : bans) {
    auto key = identity(ban);
    auto previous = swept_.find(key);
    int sweeps = previous == swept_.end() ? 0 : previous->second;
    if (sweeps < kSweeps) due.push_back(ban);
    seen[std::move(key)] = std::min(sweeps + 1, kSweeps);
  }
  swept_ = std::move(seen);  // lifted bans are forgotten
  return due;
}

}  // namespace pleb::moderation
