#include "bus/memory/mailbox.hpp"

namespace pleb::bus {
namespace {
// Deliveries run per turn on the pool before other subscribers get a go.
constexpr int kTurn = 64;
}  // namespace

void Mailbox::push(Delivery delivery) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(delivery));
    if (scheduled_) return;
    scheduled_ = true;
  }
  pool_.post([self = shared_from_this()] { self->drain(); });
}

void Mailbox::drain() {
  for (int i = 0; i < kTurn; ++i) {
    std::unique_lock lock(mutex_);
    if (queue_.empty()) {
      scheduled_ = false;
      return;
    }
    auto delivery = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    handler_.invoke(delivery);
  }
  pool_.post([self = shared_from_this()] { self->drain(); });
}

void Mailbox::close() {
  handler_.close();
  std::lock_guard lock(mutex_);
  queue_.clear();
}

}  // namespace pleb::bus
