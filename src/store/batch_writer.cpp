#include "store/batch_writer.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace pleb::store {
namespace {

std::int64_t system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A callback that throws must not take the writer thread, and every later acknowledgement, with it.
void call(const BatchWriter::Done& done, WriteResult result) {
  try {
    done(std::move(result));
  } catch (...) {
  }
}

// SCHED_BATCH takes away the writer's wakeup preemption: the first event submitted no longer switches
// the core over to the writer, so on a busy core the threads that verify events keep running until they
// block, and the writer finds a whole backlog instead of one event. On a relay pinned to one core this
// turned ~160-event transactions into ~4,000-event ones (docs/BENCHMARKS.md). An idle or lightly loaded
// core runs it at once as before; failure (a sandbox refusing it) only loses the optimisation.
void yield_to_producers() {
  sched_param param{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
}

}  // namespace

BatchWriter::BatchWriter(EventStore& store, BatchWriterOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.clock) options_.clock = system_seconds;
  if (options_.max_batch == 0) options_.max_batch = 1;
  thread_ = std::thread([this] { run(); });
}

BatchWriter::~BatchWriter() {
  stop();
}

void BatchWriter::submit(nostr::Event event, Done done, Applied applied) {
  enqueue(Pending{std::move(event), nullptr, {}, std::move(done), std::move(applied), {}});
}

void BatchWriter::submit_shared(std::shared_ptr<const nostr::Event> event, std::string_view json,
                                const EventOrigin&, Done done, Applied applied) {
  enqueue(Pending{{}, std::move(event), json, std::move(done), std::move(applied), {}});
}

void BatchWriter::enqueue(Pending pending) {
  WriteResult refusal;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      queue_.push_back(std::move(pending));
      // The writer waits for the first event, and while lingering for a full batch.
      if (queue_.size() == 1 || queue_.size() == options_.max_batch) wake_.notify_one();
      return;
    }
    ++stats_.refused;
    refusal = stopping_ ? error_result("shutting down")
                        : WriteResult{WriteStatus::kError, "rate-limited: storage is busy, try again later"};
  }
  call(pending.done, std::move(refusal));
}

void BatchWriter::run_ordered(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      Pending pending;
      pending.task = std::move(task);
      queue_.push_back(std::move(pending));
      wake_.notify_one();
      return;
    }
  }
  try {
    task(store_);
  } catch (...) {
  }
}

std::chrono::microseconds BatchWriter::linger_after(std::size_t previous_batch) const {
  auto linger = options_.linger;
  if (options_.backlog_batch > 0 && previous_batch >= options_.backlog_batch) {
    auto backlog = options_.backlog_linger;
    if (options_.backlog_linger_per_event.count() > 0) {
      backlog = std::min(backlog, options_.backlog_linger_per_event * static_cast<long>(previous_batch));
    }
    linger = std::max(linger, backlog);
  }
  return linger;
}

void BatchWriter::gather(std::unique_lock<std::mutex>& lock, std::chrono::microseconds linger) {
  using Clock = std::chrono::steady_clock;
  if (linger.count() <= 0) return;
  const auto deadline = Clock::now() + linger;
  const auto gap = options_.linger_idle_gap;
  auto full = [this] { return stopping_ || queue_.size() >= options_.max_batch; };
  for (std::size_t seen = queue_.size();; seen = queue_.size()) {
    auto now = Clock::now();
    if (now >= deadline) return;
    auto wait = gap.count() > 0 ? std::min<Clock::duration>(gap, deadline - now) : deadline - now;
    if (wake_.wait_for(lock, wait, full)) return;
    if (gap.count() > 0 && queue_.size() == seen) return;  // the producers wait for this batch
  }
}

void BatchWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

BatchWriter::Stats BatchWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void BatchWriter::run() {
  yield_to_producers();

  std::vector<Pending> batch;
  std::vector<EventToWrite> events;
  std::size_t previous_batch = 0;
  for (;;) {
    batch.clear();
    events.clear();
    Task task;
    {
      std::unique_lock lock(mutex_);
      // Found idle: whatever came before was not a backlog any more, so nothing lingers for it.
      if (queue_.empty()) previous_batch = 0;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted has been answered
      if (queue_.front().task) {
        task = std::move(queue_.front().task);
        queue_.pop_front();
      } else {
        gather(lock, linger_after(previous_batch));
        // Events up to the next task: it waits for them, and those after it wait for it.
        std::size_t n = 0;
        while (n < queue_.size() && n < options_.max_batch && !queue_[n].task) ++n;
        previous_batch = n;
        for (std::size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        ++stats_.batches;
        stats_.events += n;
        stats_.largest_batch = std::max(stats_.largest_batch, n);
      }
    }
    if (task) {
      try {
        task(store_);
      } catch (...) {
      }
      continue;
    }
    // The events stay in the batch (or with whoever shares them) while the store reads them.
    events.reserve(batch.size());
    for (const auto& pending : batch) events.push_back(EventToWrite{&pending.the_event(), pending.json});
    std::vector<WriteResult> results;
    try {
      results = store_.write(std::span<const EventToWrite>(events), options_.clock(),
                             [&batch](std::span<const WriteResult> applied) {
                               for (std::size_t i = 0; i < batch.size() && i < applied.size(); ++i) {
                                 if (!batch[i].applied) continue;
                                 try {
                                   batch[i].applied(applied[i]);
                                 } catch (...) {
                                 }
                               }
                             });
    } catch (const std::exception& e) {
      results.assign(events.size(), error_result(e.what()));
    }
    if (results.size() != batch.size())
      results.resize(batch.size(), error_result("storage returned no result"));
    for (std::size_t i = 0; i < batch.size(); ++i) call(batch[i].done, std::move(results[i]));
  }
}

}  // namespace pleb::store
