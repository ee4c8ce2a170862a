#pragma once
// The conformance suite every EventStore engine must pass. An engine joins by instantiating the
// suites with a StoreBackend (see lmdb_backend_test.cpp); the tests themselves know no engine.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "nostr/filter.hpp"
#include "nostr/json_writer.hpp"
#include "store/event_store.hpp"
#include "test_events.hpp"

namespace pleb::store::testing {

// Fresh, empty storage for one test. open() may be called again after the previous store was
// destroyed and must find the same data (a restart).
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual std::unique_ptr<EventStore> open() = 0;
};

struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<StoreHarness>()> make;
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) {
  *os << backend.name;
}
inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    store_ = harness_->open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    harness_.reset();
  }
  void reopen() {
    store_.reset();
    store_ = harness_->open();
  }

  WriteResult put(const nostr::Event& event, std::int64_t now = kNow) {
    auto results = store_->write(std::span<const nostr::Event>(&event, 1), now);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? WriteResult{} : results[0];
  }
  void put_ok(const nostr::Event& event, std::int64_t now = kNow) {
    auto result = put(event, now);
    ASSERT_TRUE(result.ok()) << result.message;
  }
  std::vector<WriteResult> put_all(const std::vector<nostr::Event>& events, std::int64_t now = kNow) {
    return store_->write(events, now);
  }

  // Runs the query to completion in one step.
  std::vector<nostr::Event> query(std::vector<nostr::Filter> filters, std::int64_t now = kNow) {
    auto cursor = store_->query(std::move(filters), now);
    std::vector<nostr::Event> out;
    EXPECT_TRUE(cursor->step(std::chrono::seconds(30), [&](const StoredEvent& e) {
      out.push_back(e.event);
      return true;
    }));
    return out;
  }
  std::vector<nostr::Event> query(const nostr::Filter& filter, std::int64_t now = kNow) {
    return query(std::vector<nostr::Filter>{filter}, now);
  }
  std::vector<nostr::Bytes32> query_ids(std::vector<nostr::Filter> filters, std::int64_t now = kNow) {
    std::vector<nostr::Bytes32> ids;
    for (const auto& e : query(std::move(filters), now)) ids.push_back(e.id);
    return ids;
  }
  std::vector<nostr::Bytes32> query_ids(const nostr::Filter& filter, std::int64_t now = kNow) {
    return query_ids(std::vector<nostr::Filter>{filter}, now);
  }
  bool stored(const nostr::Event& event) { return query_ids(F().ids({event.id})).size() == 1; }

  std::unique_ptr<StoreHarness> harness_;
  std::unique_ptr<EventStore> store_;
};

inline std::vector<nostr::Bytes32> ids_of(const std::vector<nostr::Event>& events) {
  std::vector<nostr::Bytes32> ids;
  for (const auto& e : events) ids.push_back(e.id);
  return ids;
}

// Same fixture, separate suites so that failures are grouped by topic.
class StoreWrite : public StoreConformance {};
class StoreDeletion : public StoreConformance {};
class StoreQuery : public StoreConformance {};

// StoreQuery with 120 events: 3 authors x kinds {1, 7} x 20 timestamps, tags varying with the index.
class StoreQueryData : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    if (HasFatalFailure()) return;
    int i = 0;
    for (const auto& author : {pubkey_of(1), pubkey_of(2), pubkey_of(3)}) {
      for (std::uint32_t kind : {1u, 7u}) {
        for (int t = 0; t < 20; ++t, ++i) {
          std::vector<nostr::Tag> tags = {{"t", i % 3 == 0 ? "three" : "other"}};
          if (i % 5 == 0) tags.push_back({"t", "five"});
          tags.push_back({"p", hex(pubkey_of(100 + i % 4))});
          events_.push_back(
              make_event(author, kind, kNow - 1000 + t * 10 + i % 7, tags, "word" + std::to_string(i)));
        }
      }
    }
    for (const auto& r : put_all(events_)) ASSERT_TRUE(r.ok()) << r.message;
  }

  // What a store must answer, computed the slow way: every event checked, newest first.
  std::vector<nostr::Event> expected(const nostr::Filter& filter) {
    std::vector<nostr::Event> matching;
    for (const auto& e : events_) {
      if (filter.matches(e)) matching.push_back(e);
    }
    std::stable_sort(matching.begin(), matching.end(), [](const nostr::Event& a, const nostr::Event& b) {
      return a.created_at > b.created_at;
    });
    if (filter.limit && matching.size() > *filter.limit) matching.resize(*filter.limit);
    return matching;
  }

  // The same events newest first; which of several equal timestamps make the cut of a limit is the
  // engine's choice, so with a limit only what is strictly newer than the cut is compared.
  void expect_answer(const nostr::Filter& filter) {
    SCOPED_TRACE(nostr::to_json(filter));
    auto got = query(filter);
    auto want = expected(filter);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(filter.matches(got[i]));
      if (i > 0) {
        EXPECT_GE(got[i - 1].created_at, got[i].created_at);
      }
    }
    auto got_ids = ids_of(got);
    std::set<nostr::Bytes32> got_set(got_ids.begin(), got_ids.end());
    EXPECT_EQ(got_set.size(), got.size());
    std::int64_t cut = filter.limit && !got.empty() ? got.back().created_at : INT64_MIN;
    for (const auto& e : want) {
      if (e.created_at > cut) {
        EXPECT_TRUE(got_set.count(e.id)) << nostr::to_json(e);
      }
    }
    nostr::Filter unlimited = filter;
    unlimited.limit.reset();
    EXPECT_EQ(store_->count({filter}, kNow), expected(unlimited).size());
  }

  std::vector<nostr::Event> events_;
};

}  // namespace pleb::store::testing
