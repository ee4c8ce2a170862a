// Group commit: every submission answered exactly once with its own result, batching under load,
// back-pressure when the queue is full, and a clean shutdown that still writes what was queued.
#include "store/batch_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <thread>

#include "scratch_store.hpp"
#include "store/lmdb/lmdb_store.hpp"
#include "temp_dir.hpp"
#include "test_events.hpp"

namespace pleb::store::testing {
namespace {

using nostr::Event;

// Delegates to a real store, optionally holding each write until released or for a while, so that
// submissions pile up behind it as they would behind a slow disk.
class GatedStore : public EventStore {
 public:
  explicit GatedStore(EventStore& inner) : inner_(inner) {}
  using EventStore::write;
  std::vector<WriteResult> write(std::span<const EventToWrite> events, std::int64_t now,
                                 const BeforeCommit& before_commit) override {
    ++writes_;
    if (delay_.count()) std::this_thread::sleep_for(delay_);
    {
      std::unique_lock lock(mutex_);
      open_cv_.wait(lock, [&] { return open_; });
    }
    return inner_.write(events, now, before_commit);
  }
  std::unique_ptr<QueryCursor> query(std::vector<nostr::Filter> f, std::int64_t now) override {
    return inner_.query(std::move(f), now);
  }
  std::uint64_t count(const std::vector<nostr::Filter>& f, std::int64_t now) override {
    return inner_.count(f, now);
  }
  std::size_t purge_expired(std::int64_t now) override { return inner_.purge_expired(now); }
  std::size_t erase(std::span<const nostr::Bytes32> ids) override { return inner_.erase(ids); }
  std::size_t erase_author(const nostr::Bytes32& pubkey, std::size_t limit) override {
    return inner_.erase_author(pubkey, limit);
  }
  bool writable() override { return inner_.writable(); }

  void close_gate() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open_gate() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    open_cv_.notify_all();
  }
  std::chrono::milliseconds delay_{0};
  std::atomic<int> writes_{0};

 private:
  EventStore& inner_;
  std::mutex mutex_;
  std::condition_variable open_cv_;
  bool open_ = true;
};

class BatchWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LmdbOptions options;
    options.directory = dir_.path();
    lmdb_ = open_lmdb_store(options);
    gated_ = std::make_unique<GatedStore>(*lmdb_);
  }

  static BatchWriterOptions options(std::size_t max_queue = 16384) {
    BatchWriterOptions o;
    o.max_queue = max_queue;
    o.clock = [] { return kNow; };
    return o;
  }

  TempDir dir_;
  std::unique_ptr<EventStore> lmdb_;
  std::unique_ptr<GatedStore> gated_;
};

TEST_F(BatchWriterTest, EveryCallbackOnceWithItsOwnResult) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  // Each thread submits its own events, a duplicate of one of them, and an expired event.
  std::mutex mutex;
  std::map<nostr::Bytes32, std::vector<WriteStatus>> results;
  std::atomic<int> calls{0};
  {
    BatchWriter writer(*lmdb_, options());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          Event e = make_event(pubkey_of(t), 1, kNow - i, {{"n", std::to_string(i)}});
          if (i == kPerThread - 1)
            e = make_event(pubkey_of(t), 1, kNow - 1, {{"n", "1"}});  // duplicate of i=1
          if (i == kPerThread - 2)
            e = make_event(pubkey_of(t), 1, kNow, {{"expiration", std::to_string(kNow)}});
          nostr::Bytes32 id = e.id;
          writer.submit(std::move(e), [&, id](WriteResult r) {
            ++calls;
            std::lock_guard lock(mutex);
            results[id].push_back(r.status);
          });
        }
      });
    }
    for (auto& th : threads) th.join();
  }  // the destructor flushes and joins
  EXPECT_EQ(calls.load(), kThreads * kPerThread);
  int stored = 0, duplicates = 0, expired = 0;
  for (const auto& [id, statuses] : results) {
    for (auto s : statuses) {
      stored += s == WriteStatus::kStored;
      duplicates += s == WriteStatus::kDuplicate;
      expired += s == WriteStatus::kExpired;
    }
  }
  EXPECT_EQ(duplicates, kThreads);
  EXPECT_EQ(expired, kThreads);
  EXPECT_EQ(stored, kThreads * (kPerThread - 2));
  EXPECT_EQ(lmdb_->count({F()}, kNow), static_cast<std::uint64_t>(stored));
}

TEST_F(BatchWriterTest, ConcurrentSubmissionsShareCommits) {
  gated_->delay_ = std::chrono::milliseconds(5);
  std::atomic<int> ok{0};
  BatchWriter::Stats stats;
  {
    BatchWriter writer(*gated_, options());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          writer.submit(make_event(pubkey_of(t), 1, kNow - i), [&](WriteResult r) { ok += r.ok(); });
        }
      });
    }
    for (auto& th : threads) th.join();
    writer.stop();
    stats = writer.stats();
  }
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(stats.events, 400u);
  EXPECT_GT(stats.largest_batch, 1u);
  EXPECT_LT(stats.batches, 400u);
  EXPECT_EQ(static_cast<std::uint64_t>(gated_->writes_.load()), stats.batches);
}

// With a linger, events submitted one by one within it share one transaction, and a full batch does
// not wait for the linger to run out.
TEST_F(BatchWriterTest, LingerGathersABatch) {
  auto o = options();
  o.max_batch = 50;
  o.linger = std::chrono::seconds(30);
  std::atomic<int> ok{0};
  BatchWriter::Stats stats;
  auto started = std::chrono::steady_clock::now();
  {
    BatchWriter writer(*gated_, o);
    for (int i = 0; i < 100; ++i) {
      writer.submit(make_event(pubkey_of(1), 1, kNow - i), [&](WriteResult r) { ok += r.ok(); });
    }
    writer.stop();
    stats = writer.stats();
  }
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(stats.batches, 2u);
  EXPECT_EQ(stats.largest_batch, 50u);
  // Both batches were full, so neither waited out its 30 s linger.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

// A backlog: A is held in its commit while B, C and D queue; they go in one batch.
class BacklogTest : public BatchWriterTest {
 protected:
  BatchWriterOptions backlog_options() {
    auto o = options();
    o.backlog_batch = 3;
    o.backlog_linger = std::chrono::seconds(30);
    return o;
  }
  bool wait_for_ok(int n) {
    for (int i = 0; i < 20000 && ok_.load() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return ok_.load() >= n;
  }
  void submit(BatchWriter& writer, std::int64_t age) {
    writer.submit(make_event(pubkey_of(1), 1, kNow - age), [this](WriteResult r) { ok_ += r.ok(); });
  }
  // Submits A to D as above; `during_bcd` runs while the batch B, C, D is being written.
  void backlog(BatchWriter& writer, const std::function<void()>& during_bcd = {}) {
    gated_->close_gate();
    int writes = gated_->writes_.load();
    submit(writer, 100);
    while (gated_->writes_.load() < writes + 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (int i = 101; i <= 103; ++i) submit(writer, i);
    if (during_bcd) gated_->delay_ = std::chrono::milliseconds(300);  // read by the next write only
    gated_->open_gate();
    if (during_bcd) {
      while (gated_->writes_.load() < writes + 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      during_bcd();
    }
  }
  std::atomic<int> ok_{0};
};

TEST_F(BacklogTest, TheBatchAfterABacklogGathers) {
  BatchWriter writer(*gated_, backlog_options());
  // Light load: a lone event is written at once, not after the 30 s linger.
  submit(writer, 0);
  ASSERT_TRUE(wait_for_ok(1));
  backlog(writer, [&] { submit(writer, 200); });  // E arrives while B, C, D are written
  ASSERT_TRUE(wait_for_ok(5));
  EXPECT_EQ(writer.stats().largest_batch, 3u);
  // E waits for company: F, submitted later, shares its commit.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  submit(writer, 201);
  writer.stop();  // ends the linger and writes what waits
  EXPECT_EQ(ok_.load(), 7);
  EXPECT_EQ(writer.stats().batches, 4u);  // lone, A, B+C+D, E+F
}

TEST_F(BacklogTest, TheGatheringGrowsWithTheBatchBefore) {
  auto options = backlog_options();
  options.backlog_linger_per_event = std::chrono::milliseconds(20);  // 60 ms after B, C, D; at most 30 s
  BatchWriter writer(*gated_, options);
  backlog(writer, [&] { submit(writer, 200); });  // E arrives while B, C, D are written
  ASSERT_TRUE(wait_for_ok(5));                    // E went alone after 60 ms, not after 30 s
  EXPECT_EQ(writer.stats().batches, 3u);          // A, B+C+D, E
  writer.stop();
}

TEST_F(BacklogTest, TheGatheringEndsWhenNothingMoreArrives) {
  auto options = backlog_options();
  options.linger_idle_gap = std::chrono::milliseconds(20);
  BatchWriter writer(*gated_, options);
  backlog(writer, [&] { submit(writer, 200); });
  // Nothing follows E: after 20 ms without an arrival it is written, long before the 30 s linger.
  ASSERT_TRUE(wait_for_ok(5));
  EXPECT_EQ(writer.stats().batches, 3u);
  writer.stop();
}

TEST_F(BacklogTest, AWriterThatWentIdleDoesNotLinger) {
  BatchWriter writer(*gated_, backlog_options());
  backlog(writer);
  ASSERT_TRUE(wait_for_ok(4));
  EXPECT_EQ(writer.stats().largest_batch, 3u);
  // The queue emptied after the backlog: the next event is written at once, well before 30 s.
  submit(writer, 300);
  EXPECT_TRUE(wait_for_ok(5));
  writer.stop();
}

TEST_F(BatchWriterTest, AnOrderedTaskSeesWhatWasQueuedBeforeItAndNothingAfter) {
  gated_->close_gate();
  BatchWriter writer(*gated_, options(3));  // a full queue refuses events, never a task
  std::atomic<int> ok{0};
  auto done = [&](WriteResult r) { ok += r.ok(); };
  Event first = make_event(pubkey_of(1), 1, kNow - 3), second = make_event(pubkey_of(1), 1, kNow - 2),
        third = make_event(pubkey_of(1), 1, kNow - 1);
  writer.submit(first, done);
  while (gated_->writes_.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  writer.submit(second, done);
  std::size_t seen = 0, erased = 0;
  std::thread::id ran_on;
  writer.run_ordered([&](EventStore& store) {
    ran_on = std::this_thread::get_id();
    seen = store.count({nostr::Filter{}}, kNow);
    erased = store.erase(std::vector<nostr::Bytes32>{first.id, third.id});
  });
  writer.submit(third, done);
  gated_->open_gate();
  writer.stop();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(seen, 2u);    // first and second were written before the task ran
  EXPECT_EQ(erased, 1u);  // third was not there yet
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_EQ(lmdb_->count({nostr::Filter{}}, kNow), 2u);  // second and third
  // After stop() a task runs at once, on the caller's thread.
  writer.run_ordered([&](EventStore&) { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST_F(BatchWriterTest, FullQueueRefusesAtOnce) {
  gated_->close_gate();
  BatchWriter writer(*gated_, options(3));
  std::atomic<int> ok{0};
  std::vector<WriteResult> refused;
  std::mutex mutex;
  auto done = [&](WriteResult r) {
    if (r.ok()) {
      ++ok;
      return;
    }
    std::lock_guard lock(mutex);
    refused.push_back(r);
  };
  // The first is taken by the writer thread (and held at the gate); wait for that so the count is exact.
  writer.submit(make_event(pubkey_of(1), 1, kNow), done);
  while (gated_->writes_.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (int i = 1; i <= 5; ++i) writer.submit(make_event(pubkey_of(1), 1, kNow - i), done);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(refused.size(), 2u);  // 3 queued, 2 turned away synchronously
    for (const auto& r : refused) {
      EXPECT_EQ(r.status, WriteStatus::kError);
      EXPECT_EQ(r.message.rfind("rate-limited: ", 0), 0u) << r.message;
    }
  }
  gated_->open_gate();
  writer.stop();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(writer.stats().refused, 2u);
}

TEST_F(BatchWriterTest, StopWritesWhatWasQueuedThenRefuses) {
  gated_->close_gate();
  BatchWriter writer(*gated_, options());
  std::atomic<int> ok{0};
  for (int i = 0; i < 50; ++i)
    writer.submit(make_event(pubkey_of(1), 1, kNow - i), [&](WriteResult r) { ok += r.ok(); });
  std::thread stopper([&] { writer.stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  gated_->open_gate();
  stopper.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(lmdb_->count({F()}, kNow), 50u);

  WriteResult late;
  writer.submit(make_event(pubkey_of(1), 1, kNow + 1), [&](WriteResult r) { late = std::move(r); });
  EXPECT_EQ(late.status, WriteStatus::kError);
  EXPECT_EQ(late.message, "error: shutting down");
  writer.stop();  // idempotent
}

TEST_F(BatchWriterTest, ThrowingCallbackDoesNotStopTheWriter) {
  BatchWriter writer(*lmdb_, options());
  std::atomic<int> calls{0};
  std::latch all(2);
  writer.submit(make_event(pubkey_of(1), 1, kNow), [&](WriteResult) {
    ++calls;
    all.count_down();
    throw std::runtime_error("callback bug");
  });
  writer.submit(make_event(pubkey_of(1), 1, kNow - 1), [&](WriteResult r) {
    calls += r.ok();
    all.count_down();
  });
  all.wait();
  EXPECT_EQ(calls.load(), 2);
}

}  // namespace
}  // namespace pleb::store::testing

namespace pleb::store::testing {
namespace {

// Live fan-out hooks in before the commit: every event's `applied` runs before its `done`, with the
// same result, and only stored events come out as stored.
TEST(BatchWriterApplied, AppliedRunsBeforeDoneWithTheSameResult) {
  ScratchStore scratch;
  auto& store = scratch.store;
  std::mutex mutex;
  std::vector<std::string> order;
  {
    BatchWriter writer(*store);
    auto event = make_event(pubkey_of(7), 1, kNow - 5);
    for (int copy = 0; copy < 2; ++copy) {  // the second is a duplicate
      std::string tag = std::to_string(copy);
      writer.submit(
          event,
          [&, tag](WriteResult result) {
            std::lock_guard lock(mutex);
            order.push_back("done" + tag + (result.ok() ? "+" : "-"));
          },
          [&, tag](const WriteResult& result) {
            std::lock_guard lock(mutex);
            order.push_back("applied" + tag + (result.ok() ? "+" : "-"));
          });
    }
  }
  ASSERT_EQ(order.size(), 4u);
  auto position = [&](const std::string& entry) {
    return std::find(order.begin(), order.end(), entry) - order.begin();
  };
  EXPECT_LT(position("applied0+"), position("done0+"));
  EXPECT_LT(position("applied1-"), position("done1-"));
}

TEST_F(BatchWriterTest, ASharedEventIsStoredWithTheSerializationItCameWith) {
  // The relay hands the writer the event its subscribers share and that event's JSON; the record keeps
  // the JSON as it is, and the writer holds its own reference to the event.
  auto event = std::make_shared<const Event>(make_event(pubkey_of(3), 1, kNow - 5, {{"t", "shared"}}));
  // One space more than the store's own serialization would have: what is stored shows which was kept.
  const std::string json = "{ " + nostr::to_json(*event).substr(1);
  std::vector<WriteStatus> statuses;
  {
    BatchWriter writer(*lmdb_, options());
    writer.submit_shared(event, json, {}, [&](WriteResult r) { statuses.push_back(r.status); }, {});
    // A plain copy of the same event after it: a duplicate.
    writer.submit(*event, [&](WriteResult r) { statuses.push_back(r.status); });
    event.reset();
  }
  EXPECT_EQ(statuses, (std::vector{WriteStatus::kStored, WriteStatus::kDuplicate}));
  std::vector<std::string> stored;
  auto cursor = lmdb_->query_json({F().tag('t', {"shared"})}, kNow);
  while (!cursor->step(std::chrono::seconds(5), [&](const StoredEvent& e) {
    stored.push_back(e.json);
    return true;
  })) {
  }
  EXPECT_EQ(stored, std::vector{json});
}

}  // namespace
}  // namespace pleb::store::testing
