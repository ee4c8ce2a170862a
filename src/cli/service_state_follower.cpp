#include "cli/service_state_follower.hpp"

#include <iostream>
#include <stdexcept>

namespace pleb::cli {

ServiceStateFollower::ServiceStateFollower(bus::Bus& bus, std::vector<FollowedState> states,
                                           std::chrono::milliseconds period)
    : states_(std::move(states)),
      applied_(std::make_unique<std::atomic<std::uint64_t>[]>(states_.size())),
      period_(period) {
  for (std::size_t i = 0; i < states_.size(); ++i) {
    const FollowedState& state = states_[i];
    auto subscription =
        bus.subscribe(state.subject, [&state, &applied = applied_[i]](const bus::Delivery& delivery) {
          applied.fetch_add(1);
          if (!state.apply(delivery.message().payload)) {
            std::cerr << "pleb: ignored a " << state.subject << " message that is not understood\n";
          }
        });
    if (!subscription) {
      throw std::runtime_error("cannot subscribe to " + state.subject + ": " + subscription.error());
    }
    subscriptions_.push_back(std::move(*subscription));
  }
  reload_all();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      reload_all();
      lock.lock();
    }
  });
}

ServiceStateFollower::~ServiceStateFollower() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& subscription : subscriptions_) subscription.unsubscribe();
}

void ServiceStateFollower::reload_all() {
  for (std::size_t i = 0; i < states_.size(); ++i) {
    const FollowedState& state = states_[i];
    try {
      // A change applied while the read ran may be older than what the read returned, or newer: read
      // again (changes are published after they are committed, so the second read has it).
      for (int attempt = 0; attempt < 2; ++attempt) {
        std::uint64_t before = applied_[i].load();
        state.reload();
        if (applied_[i].load() == before) break;
      }
    } catch (const std::exception& error) {
      std::cerr << "pleb: could not read the " << state.name << " from the service database (next try in "
                << std::chrono::duration_cast<std::chrono::seconds>(period_).count()
                << " s): " << error.what() << "\n";
    }
  }
}

}  // namespace pleb::cli
