#pragma once
// Logs an outage of a shared backend once when it starts and once when it ends, however many calls
// fail in between, so that a Redis outage under load does not flood the log.
#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace pleb::cache {

// Receives one line per state change. The default writes "pleb: <line>" to standard error.
using LogSink = std::function<void(std::string_view line)>;
LogSink default_log_sink();

class OutageLog {
 public:
  // `consequence` ends the outage line: "rate limits fail open until it returns".
  OutageLog(LogSink sink, std::string what, std::string consequence)
      : sink_(std::move(sink)), what_(std::move(what)), consequence_(std::move(consequence)) {}
  void failed(std::string_view error);
  void succeeded();
  bool down() const { return down_.load(std::memory_order_relaxed); }

 private:
  LogSink sink_;
  std::string what_;
  std::string consequence_;
  std::atomic<bool> down_{false};
};

}  // namespace pleb::cache
