#include "bus/pending_requests.hpp"

#include <vector>

namespace pleb::bus {
namespace {
// A reply handler runs on a bus thread; what it throws must not take that thread down.
void deliver(ReplyHandler& on_reply, Result<Message> outcome) {
  try {
    on_reply(std::move(outcome));
  } catch (...) {
  }
}
}  // namespace

std::shared_ptr<PendingRequests> PendingRequests::create(TimerThread& timer) {
  return std::make_shared<PendingRequests>(timer);
}

std::uint64_t PendingRequests::add(std::string_view subject, std::chrono::milliseconds timeout,
                                   ReplyHandler on_reply) {
  std::lock_guard lock(mutex_);
  const auto token = next_token_++;
  Pending pending{std::move(on_reply), std::string(subject), timeout};
  std::weak_ptr<PendingRequests> self = weak_from_this();
  pending.timer_id = timer_.schedule(TimerThread::Clock::now() + timeout, [self, token] {
    if (auto alive = self.lock()) alive->expire(token);
  });
  pending_.emplace(token, std::move(pending));
  return token;
}

void PendingRequests::mark_stored(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  if (auto found = pending_.find(token); found != pending_.end()) found->second.stored = true;
}

std::string PendingRequests::subject_of(std::uint64_t token) {
  std::lock_guard lock(mutex_);
  const auto found = pending_.find(token);
  return found == pending_.end() ? std::string() : found->second.subject;
}

bool PendingRequests::complete(std::uint64_t token, Result<Message> outcome) {
  ReplyHandler on_reply;
  {
    std::lock_guard lock(mutex_);
    const auto found = pending_.find(token);
    if (found == pending_.end()) return false;
    on_reply = std::move(found->second.on_reply);
    timer_.cancel(found->second.timer_id);
    pending_.erase(found);
  }
  deliver(on_reply, std::move(outcome));
  return true;
}

void PendingRequests::expire(std::uint64_t token) {
  std::string error;
  {
    std::lock_guard lock(mutex_);
    const auto found = pending_.find(token);
    if (found == pending_.end()) return;
    const auto& pending = found->second;
    error = "timeout: no reply on " + pending.subject + " within " + std::to_string(pending.timeout.count()) +
            " ms";
    if (pending.stored) error.append(" (the message is stored and will still be handled)");
  }
  complete(token, Result<Message>::failure(std::move(error)));
}

void PendingRequests::fail_all(const std::string& error) {
  std::vector<ReplyHandler> waiting;
  {
    std::lock_guard lock(mutex_);
    for (auto& [token, pending] : pending_) {
      timer_.cancel(pending.timer_id);
      waiting.push_back(std::move(pending.on_reply));
    }
    pending_.clear();
  }
  for (auto& on_reply : waiting) deliver(on_reply, Result<Message>::failure(error));
}

}  // namespace pleb::bus
