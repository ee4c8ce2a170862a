#pragma once
// Group commit: one thread turns everything submitted while the previous commit was running into the
// next single EventStore::write, so the cost of a durable commit (fsync) is shared by every event
// that waited for it. Nothing is acknowledged before its batch has committed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "nostr/event.hpp"
#include "store/event_store.hpp"
#include "store/event_writer.hpp"

namespace pleb::store {

struct BatchWriterOptions {
  // Events waiting for the writer. When full, submit() refuses at once with kError
  // "rate-limited: storage is busy, try again later" rather than blocking: it is called on network
  // threads, which must never wait on the disk.
  std::size_t max_queue = 65536;
  // Events per transaction. Large on purpose: a durable commit costs a fixed ~2 fsyncs plus a few
  // random page writes per event, so under load the batch grows until commits keep up (measured on
  // LMDB with 1M events: ~16k events/s at 1024 per batch, ~24k at 4096, ~37k at 16384).
  std::size_t max_batch = 16384;
  // How long a batch may wait to fill up once its first event arrives (the processor's batch timeout).
  // Zero for the embedded relay: group commit alone makes batches as large as the load, and waiting
  // only adds latency there. Against a remote database each transaction costs round trips, so a few
  // milliseconds of waiting buy much larger batches.
  std::chrono::microseconds linger{0};
  // Under sustained load: after a commit of at least `backlog_batch` events, when more arrived while it
  // ran (the writer never went idle), the next batch may gather for up to `backlog_linger`. Fewer, larger
  // transactions share more B-tree pages, so each event costs less to write; light load never waits.
  // Measured on LMDB with 1M events: 91 µs of server CPU per ingested event without, 78 with 100 ms.
  std::size_t backlog_batch = 0;  // 0: never
  std::chrono::microseconds backlog_linger{0};
  // When set, the gathering lasts this long per event of the previous batch, up to `backlog_linger`: a
  // short burst waits a little, and only a backlog that keeps growing reaches the longest wait, where the
  // clients' OKs wait in the queue anyway (docs/BENCHMARKS.md).
  std::chrono::microseconds backlog_linger_per_event{0};
  // When set, any gathering ends early once no event arrived for this long: the producers are waiting,
  // for instance clients that keep a bounded number of EVENTs in flight until their OKs come back.
  std::chrono::microseconds linger_idle_gap{0};

  // Seconds since the epoch, for NIP-40 checks; tests substitute their own.
  std::function<std::int64_t()> clock;
};

class BatchWriter : public EventWriter {
 public:
  // `done` runs on the writer thread (or inline in submit() when the event is refused); `applied` on the
  // writer thread inside the transaction, before the commit.

  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t events = 0;
    std::uint64_t refused = 0;  // queue full or stopped
    std::size_t largest_batch = 0;
  };

  explicit BatchWriter(EventStore& store, BatchWriterOptions options = {});
  // Stops: everything already submitted is still written and answered.
  ~BatchWriter() override;
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Thread-safe; only takes a lock and moves the event into the queue.
  using EventWriter::submit;
  void submit(nostr::Event event, Done done, Applied applied) override;
  bool known_new(const nostr::Event& event) override { return store_.known_new(event); }
  // Keeps the shared event and its serialization for the store instead of a copy.
  void submit_shared(std::shared_ptr<const nostr::Event> event, std::string_view json,
                     const EventOrigin& origin, Done done, Applied applied) override;
  // Runs `task` on the writer thread once every event submitted before it is written, and before any
  // submitted after: a change to the store that must not race a queued write (a moderator taking an
  // event down). Never refused, also when the queue is full; after stop() it runs on the caller's thread.
  // What it throws is dropped.
  using Task = std::function<void(EventStore& store)>;
  void run_ordered(Task task);
  // Writes what is queued, then joins the thread. Later submits get kError "error: shutting down".
  void stop() override;
  Stats stats() const;

 private:
  struct Pending {
    nostr::Event event;
    std::shared_ptr<const nostr::Event> shared;  // set: the event is this one (submit_shared)
    std::string_view json;                       // its serialization, when given; lives as long as it
    Done done;
    Applied applied;
    Task task;  // set: not an event, a task in the queue's order
    const nostr::Event& the_event() const { return shared ? *shared : event; }
  };
  void enqueue(Pending pending);
  void run();
  // How long the batch after one of `previous_batch` events may gather.
  std::chrono::microseconds linger_after(std::size_t previous_batch) const;
  // Waits (lock held by the caller) up to `linger` for the queue to fill; see linger_idle_gap.
  void gather(std::unique_lock<std::mutex>& lock, std::chrono::microseconds linger);

  EventStore& store_;
  BatchWriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace pleb::store
