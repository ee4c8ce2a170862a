#pragma once
// What the bus tests share: a bus of either kind with its own subjects and stream, and a bounded
// wait for messages arriving on bus threads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.hpp"
#include "bus/memory/memory_bus.hpp"
#include "bus/nats/nats_bus.hpp"

namespace pleb::bus::testing {

using namespace std::chrono_literals;

enum class Kind { Memory, Nats };

inline std::string kind_name(Kind kind) {
  return kind == Kind::Memory ? "Memory" : "Nats";
}

inline const char* nats_url() {
  return std::getenv("NATS_URL");
}

// Names no other test (or earlier run against the same server) uses.
inline std::string unique_name(std::string_view stem) {
  static std::atomic<int> counter{0};
  return std::string(stem) + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

struct Names {
  std::string prefix = unique_name("t");
  std::string durable = prefix + ".durable";
  std::string stream = "S" + prefix;
  std::string subject(std::string_view leaf) const { return prefix + "." + std::string(leaf); }
};

inline constexpr auto kAckWait = 1000ms;

inline std::unique_ptr<Bus> make_bus(Kind kind, const Names& names, NatsBusOptions nats = {}) {
  if (kind == Kind::Memory) {
    MemoryBusOptions options;
    options.durable_subjects = {names.durable};
    options.ack_wait = kAckWait;
    return std::make_unique<MemoryBus>(options);
  }
  nats.url = nats_url();
  nats.durable_subjects = {{names.durable, names.stream}};
  nats.ack_wait = kAckWait;
  auto bus = NatsBus::connect(nats);
  EXPECT_TRUE(bus) << bus.error();
  return bus ? std::move(*bus) : nullptr;
}

// Collects what handlers see, from any thread.
class Inbox {
 public:
  void add(std::string item) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    }
    changed_.notify_all();
  }
  // Bounded: false if fewer than `count` arrived within `limit`.
  bool wait_for(std::size_t count, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return items_.size() >= count; });
  }
  std::vector<std::string> items() {
    std::lock_guard lock(mutex_);
    return items_;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> items_;
};

// A subscription reaches NATS asynchronously; a flush round trip makes it live before publishing.
inline void settle(Bus& bus, const Names& names) {
  auto ping = bus.subscribe(names.subject("settle"), [](const Delivery& d) { d.reply(Message("pong")); });
  ASSERT_TRUE(ping);
  for (int i = 0; i < 50; ++i) {
    if (bus.request_sync(names.subject("settle"), Message("ping"), 200ms)) return;
  }
  FAIL() << "the bus never answered its own request";
}

}  // namespace pleb::bus::testing
