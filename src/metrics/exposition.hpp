#pragma once
// Prometheus text exposition (format 0.0.4), written by hand: the few metric types we need do not
// justify a client library. Components keep their own counters (atomics); at scrape time a collector
// reads them into a TextWriter, so the hot paths never touch a registry or a lock.
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pleb::metrics {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class TextWriter {
 public:
  // Starts a metric family: `type` is "counter", "gauge" or "histogram".
  void family(std::string_view name, std::string_view help, std::string_view type);
  void sample(std::string_view name, double value, Labels labels = {});
  void sample(std::string_view name, std::uint64_t value, Labels labels = {});
  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  void labels(Labels labels, std::string_view extra_name = {}, std::string_view extra_value = {});
  friend class Histogram;
  std::string text_;
};

// A histogram with fixed upper bounds, safe to observe from any thread without a lock.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  void write(TextWriter& out, std::string_view name, std::string_view help) const;

  // Bounds for durations in seconds, from 100 µs to 10 s.
  static std::vector<double> latency_seconds();

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> buckets_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> sum_micro_{0};          // sum in millionths, so it stays an atomic integer
};

// The content type of the exposition.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace pleb::metrics
