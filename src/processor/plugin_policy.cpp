#include "processor/plugin_policy.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <future>
#include <mutex>

#include "nostr/bytes.hpp"
#include "processor/child_process.hpp"
#include "processor/decision_log.hpp"
#include "processor/plugin_protocol.hpp"

namespace pleb::processor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

// The command as log lines name it: on one line, and short even when it is an inline script.
std::string describe(const std::vector<std::string>& command) {
  constexpr std::size_t kLongest = 80;
  std::string out;
  for (const auto& part : command) {
    if (!out.empty()) out.push_back(' ');
    out.append(part);
  }
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (out.size() > kLongest) out.resize(kLongest - 3), out.append("...");
  return out;
}

}  // namespace

// Everything the supervisor thread and the submitting threads share is under `mutex_`; the thread holds
// it while it does non-blocking I/O and releases it to wait in poll(). Callbacks run with it released.
class PluginPolicy::Supervisor {
 public:
  explicit Supervisor(PluginConfig config) : config_(std::move(config)), name_(describe(config_.command)) {
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  ~Supervisor() { ::close(wake_); }

  void submit(std::string id, std::string line, DecisionCallback done) {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_ && pending_.size() < config_.max_pending) {
        pending_.push_back({std::move(id), std::move(line), Clock::now() + config_.timeout, std::move(done)});
        wake();
        return;
      }
    }
    done(Decision::reject("rate-limited: the relay's write-policy plugin is busy; try again later", "busy"));
  }

  void stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake();
  }

  void run();

 private:
  struct Pending {
    std::string id;
    std::string line;
    Clock::time_point deadline;
    DecisionCallback done;
  };
  using Completions = std::vector<std::pair<DecisionCallback, Decision>>;

  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_, &one, sizeof one);
  }
  void log(const std::string& text) {
    std::string line = "pleb: write-policy plugin ";
    line.append(name_).append(": ").append(text);
    DecisionLog::write_to_stderr(line);
  }
  void start_if_due(Clock::time_point now);
  // Ends the running program; the oldest outstanding event, which it was probably working on, gets
  // `error` so that an event that makes the plugin fail cannot do so forever. The others go to the next one.
  void fail_process(const std::string& why, std::string error, std::string_view reason, Completions& out);
  void write_requests(Completions& out);
  void read_answers(Completions& out);
  void handle_line(std::string_view line, Completions& out);
  void expire(Clock::time_point now, Completions& out);
  void complete(std::size_t index, Decision decision, Completions& out) {
    out.emplace_back(std::move(pending_[index].done), std::move(decision));
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
    if (index < written_) {
      --written_;
    } else if (index == written_) {
      offset_ = 0;
    }
  }
  bool front_sent() const { return !pending_.empty() && (written_ > 0 || offset_ > 0); }

  PluginConfig config_;
  std::string name_;
  int wake_ = -1;
  std::mutex mutex_;
  bool stopping_ = false;
  std::deque<Pending> pending_;
  // The supervisor thread's own state (also under mutex_, for simplicity).
  std::unique_ptr<ChildProcess> process_;
  std::size_t written_ = 0;  // pending_[0, written_) were sent whole to the running program
  std::size_t offset_ = 0;   // bytes of pending_[written_] already sent
  std::string input_;        // an answer line being received
  int failures_ = 0;         // since the last good answer
  Clock::time_point next_start_{};
  Clock::time_point last_progress_{};  // the program's start or its last answer
};

void PluginPolicy::Supervisor::start_if_due(Clock::time_point now) {
  if (process_ || now < next_start_) return;
  written_ = 0;
  offset_ = 0;
  input_.clear();
  last_progress_ = now;
  try {
    process_ = ChildProcess::spawn(config_.command);
  } catch (const std::exception& e) {
    ++failures_;
    auto delay = std::min(config_.max_backoff, config_.min_backoff * (1 << std::min(failures_, 16)));
    next_start_ = now + delay;
    log(std::string("cannot start: ") + e.what() + "; next try in " + std::to_string(delay.count()) + " ms");
  }
}

void PluginPolicy::Supervisor::fail_process(const std::string& why, std::string error,
                                            std::string_view reason, Completions& out) {
  std::string how = process_->end();
  process_.reset();
  if (front_sent()) complete(0, Decision::reject(std::move(error), reason), out);
  ++failures_;
  // The first restart is immediate; a plugin that keeps failing is restarted less and less often.
  std::chrono::milliseconds delay{0};
  if (failures_ > 1)
    delay = std::min(config_.max_backoff, config_.min_backoff * (1 << std::min(failures_ - 2, 16)));
  next_start_ = Clock::now() + delay;
  log(why + " (" + how + "); restarting in " + std::to_string(delay.count()) + " ms");
}

void PluginPolicy::Supervisor::write_requests(Completions& out) {
  while (process_ && written_ < pending_.size()) {
    const std::string& line = pending_[written_].line;
    ssize_t sent =
        ::send(process_->input(), line.data() + offset_, line.size() - offset_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return fail_process("stopped reading its input", "error: the relay's write-policy plugin failed",
                          "crashed", out);
    }
    offset_ += static_cast<std::size_t>(sent);
    if (offset_ == line.size()) {
      ++written_;
      offset_ = 0;
    }
  }
}

void PluginPolicy::Supervisor::read_answers(Completions& out) {
  char buffer[16384];
  while (process_) {
    ssize_t got = ::recv(process_->output(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return fail_process("exited", "error: the relay's write-policy plugin failed", "crashed", out);
    }
    if (got < 0) return;
    std::string_view chunk(buffer, static_cast<std::size_t>(got));
    while (process_ && !chunk.empty()) {
      auto newline = chunk.find('\n');
      input_.append(chunk.substr(0, newline));
      if (newline == std::string_view::npos) break;
      chunk.remove_prefix(newline + 1);
      std::string line = std::move(input_);
      input_.clear();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) handle_line(line, out);
    }
    if (process_ && input_.size() > kMaxAnswerBytes) {
      return fail_process("wrote an answer longer than 1 MiB",
                          "error: the relay's write-policy plugin gave an invalid answer", "invalid-answer",
                          out);
    }
  }
}

void PluginPolicy::Supervisor::handle_line(std::string_view line, Completions& out) {
  auto answer = parse_plugin_answer(line);
  if (!answer) {
    return fail_process("gave an invalid answer (" + answer.error() + ")",
                        "error: the relay's write-policy plugin gave an invalid answer", "invalid-answer",
                        out);
  }
  for (std::size_t i = 0; i < written_; ++i) {
    if (pending_[i].id == answer->id) {
      failures_ = 0;
      last_progress_ = Clock::now();
      return complete(i, std::move(answer->decision), out);
    }
  }
  // An answer for an event that already timed out, or for none at all: dropped.
}

void PluginPolicy::Supervisor::expire(Clock::time_point now, Completions& out) {
  while (!pending_.empty() && pending_.front().deadline <= now) {
    // A program that answers nothing for a whole timeout is stuck and replaced; one that answers, only
    // slower than events arrive, keeps running and the overdue events get their error. Unless the overdue
    // event is only half written: the rest of its line cannot be taken back, so that program goes too.
    bool half_written = written_ == 0 && offset_ > 0;
    if (process_ && front_sent() && (now - last_progress_ >= config_.timeout || half_written)) {
      fail_process("did not answer within " + std::to_string(config_.timeout.count()) + " ms",
                   "error: the relay's write-policy plugin did not answer in time", "timeout", out);
      continue;
    }
    if (process_) {
      complete(0,
               Decision::reject("error: the relay's write-policy plugin did not answer in time", "timeout"),
               out);
    } else {
      complete(0, Decision::reject("error: the relay's write-policy plugin is not running", "unavailable"),
               out);
    }
  }
}

void PluginPolicy::Supervisor::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    Completions completions;
    auto now = Clock::now();
    start_if_due(now);
    expire(now, completions);
    write_requests(completions);

    pollfd fds[3] = {{wake_, POLLIN, 0}, {-1, 0, 0}, {-1, 0, 0}};
    if (process_) {
      fds[1] = {process_->output(), POLLIN, 0};
      if (written_ < pending_.size()) fds[2] = {process_->input(), POLLOUT, 0};
    }
    auto until = Clock::time_point::max();
    if (!pending_.empty()) until = pending_.front().deadline;
    if (!process_) until = std::min(until, next_start_);
    int timeout_ms = -1;
    if (until != Clock::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>(left, 0, 60'000));
    }
    if (!completions.empty()) timeout_ms = 0;  // answer first, wait afterwards

    lock.unlock();
    for (auto& [done, decision] : completions) done(std::move(decision));
    completions.clear();
    ::poll(fds, 3, timeout_ms);
    std::uint64_t drained;
    [[maybe_unused]] auto ignored = ::read(wake_, &drained, sizeof drained);
    lock.lock();

    if (process_ && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) read_answers(completions);
    if (!completions.empty()) {
      lock.unlock();
      for (auto& [done, decision] : completions) done(std::move(decision));
      lock.lock();
    }
  }
  if (process_) process_->end();
  auto left = std::move(pending_);
  pending_.clear();
  lock.unlock();
  for (auto& pending : left) {
    pending.done(Decision::reject("error: the relay's write-policy plugin stopped", "stopped"));
  }
}

PluginPolicy::PluginPolicy(PluginConfig config)
    : supervisor_(std::make_shared<Supervisor>(std::move(config))),
      thread_([supervisor = supervisor_] { supervisor->run(); }) {}

PluginPolicy::~PluginPolicy() {
  supervisor_->stop();
  // The last owner may be a callback that the supervisor thread itself runs; it cannot wait for itself.
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

void PluginPolicy::check_async(const nostr::Event& event, const EventSource& source, DecisionCallback done) {
  supervisor_->submit(nostr::to_hex(event.id), plugin_request(event, source), std::move(done));
}

Decision PluginPolicy::check(const nostr::Event& event, const EventSource& source) {
  std::promise<Decision> decided;
  auto future = decided.get_future();
  check_async(event, source, [&decided](Decision decision) { decided.set_value(std::move(decision)); });
  return future.get();
}

}  // namespace pleb::processor
