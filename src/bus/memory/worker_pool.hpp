#pragma once
// The in-process bus's handler threads: a fixed set of threads taking tasks in order.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pleb::bus {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  // Joins the threads; tasks not started are dropped. Not from one of the pool's own threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Never blocks on a running task, so handlers may post (publish) freely.
  void post(std::function<void()> task);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pleb::bus
