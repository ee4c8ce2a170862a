#pragma once
// One subscriber of the in-process bus: its deliveries queue here and run one at a time on the
// worker pool, in publishing order, as a NATS subscription's do on its own thread.
#include <deque>
#include <memory>
#include <mutex>

#include "bus/guarded_handler.hpp"
#include "bus/memory/worker_pool.hpp"

namespace pleb::bus {

class Mailbox : public std::enable_shared_from_this<Mailbox> {
 public:
  Mailbox(WorkerPool& pool, Handler handler) : pool_(pool), handler_(std::move(handler)) {}

  void push(Delivery delivery);
  // Drops what waits; see GuardedHandler::close.
  void close();

 private:
  void drain();

  WorkerPool& pool_;
  GuardedHandler handler_;
  std::mutex mutex_;
  std::deque<Delivery> queue_;
  bool scheduled_ = false;
};

}  // namespace pleb::bus
