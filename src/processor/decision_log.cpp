#include "processor/decision_log.hpp"

#include <unistd.h>

namespace pleb::processor {

DecisionLog::DecisionLog(std::size_t per_minute, Sink sink)
    : per_minute_(per_minute), sink_(std::move(sink)) {}

void DecisionLog::write_to_stderr(std::string_view line) {
  // One write per line, so lines from several threads never interleave.
  std::string out(line);
  out.push_back('\n');
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, out.data(), out.size());
}

void DecisionLog::note(std::string_view key, std::string_view event_id, std::string_view message,
                       Clock::time_point now) {
  if (per_minute_ == 0) return;
  std::string summary, line;
  {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(key);
    if (it == windows_.end()) it = windows_.emplace(std::string(key), Window{now}).first;
    Window& window = it->second;
    if (now - window.started >= std::chrono::minutes(1)) {
      if (window.suppressed > 0) {
        summary.append("pleb: policy ").append(key).append(": ");
        summary.append(std::to_string(window.suppressed)).append(" more in the last minute were not logged");
      }
      window = Window{now};
    }
    if (window.logged >= per_minute_) {
      ++window.suppressed;
    } else {
      ++window.logged;
      line.append("pleb: policy ").append(key).append(": event ").append(event_id);
      if (!message.empty()) {
        // A plugin's message is outside text: control characters would forge or break log lines, and its
        // length is the plugin's choice.
        constexpr std::size_t kLongest = 200;
        line.append(" \"");
        for (char c : message.substr(0, kLongest))
          line.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
        line.append(message.size() > kLongest ? "...\"" : "\"");
      }
    }
  }
  if (!summary.empty()) sink_(summary);
  if (!line.empty()) sink_(line);
}

}  // namespace pleb::processor
