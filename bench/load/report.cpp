#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>

namespace pleb::load {

double Latencies::percentile_ms(double p) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  // Nearest rank: the smallest sample with at least p percent of the samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples_.size())));
  rank = std::clamp<std::size_t>(rank, 1, samples_.size());
  return static_cast<double>(samples_[rank - 1]) / 1e6;
}

double Latencies::max_ms() {
  return percentile_ms(100);
}

double Latencies::mean_ms() const {
  if (samples_.empty()) return 0;
  long double sum = std::accumulate(samples_.begin(), samples_.end(), 0.0L);
  return static_cast<double>(sum / samples_.size()) / 1e6;
}

void JsonLine::key(std::string_view name) {
  if (body_.size() > 1) body_ += ',';
  body_ += '"';
  body_ += name;
  body_ += "\":";
}

JsonLine& JsonLine::text(std::string_view name, std::string_view value) {
  key(name);
  body_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') {
      body_ += '\\';
      body_ += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      body_ += escaped;
    } else {
      body_ += c;
    }
  }
  body_ += '"';
  return *this;
}

JsonLine& JsonLine::number(std::string_view name, double value, int decimals) {
  key(name);
  if (!std::isfinite(value)) {
    body_ += "null";
    return *this;
  }
  char formatted[64];
  std::snprintf(formatted, sizeof formatted, "%.*f", decimals, value);
  body_ += formatted;
  return *this;
}

JsonLine& JsonLine::count(std::string_view name, std::uint64_t value) {
  key(name);
  body_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::flag(std::string_view name, bool value) {
  key(name);
  body_ += value ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::latencies(std::string_view prefix, Latencies& latencies, bool p999) {
  std::string p(prefix);
  number(p + "_p50_ms", latencies.percentile_ms(50));
  number(p + "_p99_ms", latencies.percentile_ms(99));
  if (p999) number(p + "_p999_ms", latencies.percentile_ms(99.9));
  number(p + "_max_ms", latencies.max_ms());
  return *this;
}

void JsonLine::print() const {
  std::cout << str() << std::endl;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace pleb::load
