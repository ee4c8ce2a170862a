#include "services/moderation/hold_worker.hpp"

#include "services/moderation/moderation_service.hpp"

namespace pleb::moderation {
namespace {

// A callback that throws must not take the worker thread, and every later answer, with it.
void answer(const HoldWorker::Done& done, std::string refusal) {
  try {
    done(std::move(refusal));
  } catch (...) {
  }
}

}  // namespace

HoldWorker::HoldWorker(ModerationService& moderation, std::size_t max_waiting)
    : moderation_(moderation), max_waiting_(max_waiting), thread_([this] { run(); }) {}

HoldWorker::~HoldWorker() {
  stop();
}

void HoldWorker::hold(nostr::Event event, std::string reason, Done done) {
  std::string refusal;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < max_waiting_) {
      queue_.push_back(Item{std::move(event), std::move(reason), std::move(done)});
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
    refusal = stopping_ ? "error: the relay is shutting down; try again later"
                        : "rate-limited: too many events wait to be held for moderation; try again later";
  }
  answer(done, std::move(refusal));
}

void HoldWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void HoldWorker::run() {
  for (;;) {
    Item item;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been answered
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    answer(item.done, moderation_.hold(item.event, item.reason));
  }
}

}  // namespace pleb::moderation
