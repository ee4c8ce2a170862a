#include "cli/service_state_follower.hpp"

#include <iostream>
#include <stdexcept>

namespace pleb::cli {

ServiceStateFollower::ServiceStateFollower(bus::Bus& bus, std::vector<FollowedState> states,
                                           std::chrono::milliseconds period)
    : states_(std::move(states)), counts_(std::make_unique<Counts[]>(states_.size())), period_(period) {
  for (std::size_t i = 0; i < states_.size(); ++i) {
    const FollowedState& state = states_[i];
    auto subscription =
        bus.subscribe(state.subject, [&state, &counts = counts_[i]](const bus::Delivery& delivery) {
          counts.received.fetch_add(1);
          if (!state.apply(delivery.message().payload)) {
            counts.ignored.fetch_add(1, std::memory_order_relaxed);
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
      // A change received while the read ran may be older than what the read returned, or newer: read
      // again (changes are published after they are committed, so the second read has it).
      for (int attempt = 0; attempt < 2; ++attempt) {
        std::uint64_t before = counts_[i].received.load();
        state.reload();
        counts_[i].reads.fetch_add(1, std::memory_order_relaxed);
        if (counts_[i].received.load() == before) break;
      }
    } catch (const std::exception& error) {
      counts_[i].failed_reads.fetch_add(1, std::memory_order_relaxed);
      std::cerr << "pleb: could not read the " << state.name << " from the service database (next try in "
                << std::chrono::duration_cast<std::chrono::seconds>(period_).count()
                << " s): " << error.what() << "\n";
    }
  }
}

void ServiceStateFollower::write_metrics(metrics::TextWriter& out) const {
  auto each = [&](std::string_view name, std::string_view help, auto field) {
    out.family(name, help, "counter");
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const Counts& counts = counts_[i];
      out.sample(name, (counts.*field).load(std::memory_order_relaxed), {{"state", states_[i].name}});
    }
  };
  each("pleb_followed_state_messages_total",
       "Changes received on the bus (bans, members), understood or not.", &Counts::received);
  each("pleb_followed_state_ignored_total", "Changes received on the bus that were not understood.",
       &Counts::ignored);
  each("pleb_followed_state_reads_total", "Whole reads of the state from the services' database.",
       &Counts::reads);
  each("pleb_followed_state_failed_reads_total",
       "Reads of the state from the services' database that failed.", &Counts::failed_reads);
}

}  // namespace pleb::cli
