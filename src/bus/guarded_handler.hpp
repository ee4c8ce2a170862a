#pragma once
// A subscriber's handler with a lifetime both buses need: after close() returns, the handler is not
// running and never runs again (unless close() is called from inside the handler, which then simply
// finishes). A handler that throws has not handled its message: nothing is acked or replied.
#include <condition_variable>
#include <mutex>

#include "bus/bus.hpp"

namespace pleb::bus {

class GuardedHandler {
 public:
  explicit GuardedHandler(Handler handler) : handler_(std::move(handler)) {}

  // Runs the handler unless closed. Returns false when closed (the delivery was not handled).
  bool invoke(const Delivery& delivery);
  void close();
  bool closed() const;

 private:
  Handler handler_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  bool closed_ = false;
  int running_ = 0;
};

}  // namespace pleb::bus
