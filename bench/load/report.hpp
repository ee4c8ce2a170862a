#pragma once
// What every scenario prints: one JSON object on one line, and the latency percentiles in it.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pleb::load {

using Clock = std::chrono::steady_clock;

// Every sample is kept (8 bytes each), so percentiles are exact rather than bucketed.
class Latencies {
 public:
  void reserve(std::size_t n) { samples_.reserve(n); }
  void add(Clock::duration d) {
    samples_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  }
  std::size_t count() const { return samples_.size(); }
  // In milliseconds; 0 when there are no samples. Sorts on first use.
  double percentile_ms(double p);
  double max_ms();
  double mean_ms() const;

 private:
  std::vector<std::int64_t> samples_;
  bool sorted_ = false;
};

// Builds {"key":value,...}. Distinct names per value type keep a string literal from becoming a bool.
class JsonLine {
 public:
  JsonLine& text(std::string_view key, std::string_view value);
  JsonLine& number(std::string_view key, double value, int decimals = 3);
  JsonLine& count(std::string_view key, std::uint64_t value);
  JsonLine& flag(std::string_view key, bool value);
  // p50, p99 (and p999 when asked) and max, as <prefix>_p50_ms and so on.
  JsonLine& latencies(std::string_view prefix, Latencies& latencies, bool p999 = false);
  std::string str() const { return body_ + "}"; }
  // Writes the line to stdout and flushes, so a script reading a pipe sees it at once.
  void print() const;

 private:
  void key(std::string_view key);
  std::string body_ = "{";
};

double seconds_between(Clock::time_point from, Clock::time_point to);

}  // namespace pleb::load
