#include "services/moderation/sweeper.hpp"

#include <iostream>

namespace pleb::moderation {

AdmitSweeper::AdmitSweeper(ModerationService& moderation, std::int64_t admit_after_seconds,
                           std::chrono::milliseconds period)
    : moderation_(moderation), admit_after_(admit_after_seconds), period_(period) {
  thread_ = std::thread([this] { run(); });
}

AdmitSweeper::~AdmitSweeper() {
  stop();
}

void AdmitSweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AdmitSweeper::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      auto admitted = moderation_.admit_due(unix_seconds(), admit_after_);
      if (admitted > 0) std::cerr << "pleb: admitted " << admitted << " held events after their wait\n";
    } catch (const std::exception& error) {
      // The database is away: the events wait for the next sweep.
      std::cerr << "pleb: admitting held events failed: " << error.what() << "\n";
    }
    lock.lock();
  }
}

}  // namespace pleb::moderation
