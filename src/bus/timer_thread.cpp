#include "bus/timer_thread.hpp"

namespace pleb::bus {

TimerThread::TimerThread() : thread_([this] { run(); }) {}

TimerThread::~TimerThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::uint64_t TimerThread::schedule(Clock::time_point when, std::function<void()> task) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  const bool earliest = tasks_.empty() || when < tasks_.begin()->first.first;
  tasks_.emplace(std::pair(when, id), std::move(task));
  deadlines_.emplace(id, when);
  if (earliest) changed_.notify_all();
  return id;
}

bool TimerThread::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto found = deadlines_.find(id);
  if (found == deadlines_.end()) return false;
  tasks_.erase(std::pair(found->second, id));
  deadlines_.erase(found);
  return true;
}

void TimerThread::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (tasks_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto first = tasks_.begin();
    const auto deadline = first->first.first;  // a copy: cancel() may erase the entry while we wait
    if (Clock::now() < deadline) {
      changed_.wait_until(lock, deadline);
      continue;
    }
    auto task = std::move(first->second);
    deadlines_.erase(first->first.second);
    tasks_.erase(first);
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace pleb::bus
