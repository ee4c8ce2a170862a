#include "bus/guarded_handler.hpp"

namespace pleb::bus {
namespace {
// The handler this thread is running, innermost first, so that close() from inside it does not wait
// for itself.
thread_local const GuardedHandler* current_handler = nullptr;
}  // namespace

bool GuardedHandler::invoke(const Delivery& delivery) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    ++running_;
  }
  const GuardedHandler* outer = current_handler;
  current_handler = this;
  try {
    handler_(delivery);
  } catch (...) {
    // Documented: a throwing handler did not handle the message; a durable one comes again.
  }
  current_handler = outer;
  std::lock_guard lock(mutex_);
  if (--running_ == 0) idle_.notify_all();
  return true;
}

void GuardedHandler::close() {
  std::unique_lock lock(mutex_);
  closed_ = true;
  if (current_handler == this) return;
  idle_.wait(lock, [this] { return running_ == 0; });
}

bool GuardedHandler::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace pleb::bus
