#pragma once
// One thread that runs callbacks at deadlines: request timeouts and, in memory, redeliveries.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace pleb::bus {

class TimerThread {
 public:
  using Clock = std::chrono::steady_clock;
  TimerThread();
  // Drops what has not run yet.
  ~TimerThread();
  TimerThread(const TimerThread&) = delete;
  TimerThread& operator=(const TimerThread&) = delete;

  // Runs `task` on the timer thread at `when`; the id cancels it.
  std::uint64_t schedule(Clock::time_point when, std::function<void()> task);
  // True if it had not started yet.
  bool cancel(std::uint64_t id);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  // Keyed by (deadline, id): ids break ties in scheduling order.
  std::map<std::pair<Clock::time_point, std::uint64_t>, std::function<void()>> tasks_;
  std::map<std::uint64_t, Clock::time_point> deadlines_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pleb::bus
