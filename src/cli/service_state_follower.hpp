#pragma once
// Keeps state a service owns (the moderators' bans, the community's members) current in a process that
// does not run the service (`pleb processor`): each change arrives as a bus message, and the whole state is
// read from the service database at start and again every period, so a message lost while the bus was
// down is healed within one period.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/bus.hpp"
#include "metrics/exposition.hpp"

namespace pleb::cli {

struct FollowedState {
  std::string name;     // for logs: "bans", "members"
  std::string subject;  // the changes (a plain subscription: every process gets all)
  std::function<bool(std::string_view payload)> apply;  // one change; false: not understood
  std::function<void()> reload;  // the whole state from the database; throws on failure
};

class ServiceStateFollower {
 public:
  // Subscribes, then reads every state once (so nothing published meanwhile is missed). Throws when a
  // subscription fails; a failing first read is logged and retried every period.
  ServiceStateFollower(bus::Bus& bus, std::vector<FollowedState> states, std::chrono::milliseconds period);
  ~ServiceStateFollower();
  ServiceStateFollower(const ServiceStateFollower&) = delete;
  ServiceStateFollower& operator=(const ServiceStateFollower&) = delete;

  // Messages received and not understood, reads done and failed, by state: a failing read shows here.
  void write_metrics(metrics::TextWriter& out) const;

 private:
  struct Counts {
    std::atomic<std::uint64_t> received{0}, ignored{0}, reads{0}, failed_reads{0};
  };
  void reload_all();

  std::vector<FollowedState> states_;
  // Per state. A read that overlapped a received message may have missed it, and runs again.
  std::unique_ptr<Counts[]> counts_;
  std::vector<bus::Subscription> subscriptions_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pleb::cli
