#pragma once
// Write-policy decisions on stderr at a sampled rate: the first `per_minute` of each stage/verdict/reason
// in a minute are logged, the rest only counted and summed up when the next minute starts. A spam wave
// thus shows in the log without flooding it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace pleb::processor {

class DecisionLog {
 public:
  using Sink = std::function<void(std::string_view line)>;
  using Clock = std::chrono::steady_clock;
  explicit DecisionLog(std::size_t per_minute, Sink sink = write_to_stderr);

  // `key` is "stage/verdict/reason"; `now` is injectable for tests.
  void note(std::string_view key, std::string_view event_id, std::string_view message,
            Clock::time_point now = Clock::now());

  // A line that is not sampled (summaries).
  void write(std::string_view line) { sink_(line); }
  static void write_to_stderr(std::string_view line);

 private:
  struct Window {
    Clock::time_point started;
    std::uint64_t logged = 0;
    std::uint64_t suppressed = 0;
  };
  std::size_t per_minute_;
  Sink sink_;
  std::mutex mutex_;
  std::map<std::string, Window, std::less<>> windows_;  // one per key, and keys are few
};

}  // namespace pleb::processor
