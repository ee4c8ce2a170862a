#include "cache/redis/outage_log.hpp"

#include <iostream>

namespace pleb::cache {

LogSink default_log_sink() {
  return [](std::string_view line) { std::cerr << "pleb: " << line << "\n"; };
}

void OutageLog::failed(std::string_view error) {
  if (down_.exchange(true, std::memory_order_relaxed) || !sink_) return;
  std::string line = what_;
  line.append(": ").append(error).append("; ").append(consequence_);
  sink_(line);
}

void OutageLog::succeeded() {
  if (!down_.exchange(false, std::memory_order_relaxed) || !sink_) return;
  std::string line = what_;
  line.append(": Redis is reachable again");
  sink_(line);
}

}  // namespace pleb::cache
