#pragma once
// Which bans a full read of the bans table should take down again in the store. A ban's takedown races
// the events that a process stores before it knows of the ban: over the bus that is milliseconds, and
// while the bus is away at most until the process's next full read. Sweeping a ban at the first few full
// reads that see it therefore covers the race, and sweeping every ban at every read (every 30 s) would
// erase thousands of ids and scan every purged author again for nothing.
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "services/moderation/ban_store.hpp"

namespace pleb::moderation {

class TakedownSweeps {
 public:
  // How many full reads sweep a ban. Three: the first read after the ban in every process comes within
  // one refresh period, so the third comes after every process stopped storing what it covers.
  static constexpr int kSweeps = 3;

  // Of the bans read now, those to take down: each ban (type, value, purge flag) for its first kSweeps
  // reads, so everything at a process's first read. A ban lifted and made again is new again.
  // Thread-safe.
  std::vector<Ban> next(const std::vector<Ban>& bans);

 private:
  using Identity = std::pair<nostr::Bytes32, bool>;  // the ban's key (ban_store.hpp), its purge flag
  std::mutex mutex_;
  std::map<Identity, int> swept_;  // -> reads that swept it
};

}  // namespace pleb::moderation
