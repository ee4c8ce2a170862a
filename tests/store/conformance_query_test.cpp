// Queries: order, limits, filter conditions on every index path, OR-ed filters, slicing, count.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "store_conformance.hpp"

namespace pleb::store::testing {
namespace {

using nostr::Bytes32;
using nostr::Event;

const auto kAlice = pubkey_of(1);
const auto kBob = pubkey_of(2);
const auto kCarol = pubkey_of(3);

TEST_P(StoreQuery, NewestFirst) {
  std::vector<Event> events;
  for (int t : {5, 1, 9, 3, 7}) events.push_back(make_event(kAlice, 1, kNow - 100 + t));
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok());
  auto got = query(F());
  ASSERT_EQ(got.size(), 5u);
  std::vector<std::int64_t> times;
  for (const auto& e : got) times.push_back(e.created_at - (kNow - 100));
  EXPECT_EQ(times, (std::vector<std::int64_t>{9, 7, 5, 3, 1}));
}

TEST_P(StoreQuery, EqualTimestampsComeInAConsistentOrder) {
  std::vector<Event> events;
  for (int i = 0; i < 6; ++i) events.push_back(make_event(pubkey_of(i), 1, kNow));
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok());
  auto by_time = query_ids(F());
  EXPECT_EQ(by_time.size(), 6u);
  EXPECT_EQ(query_ids(F().kinds({1})), by_time);
  std::vector<Bytes32> authors;
  for (int i = 0; i < 6; ++i) authors.push_back(pubkey_of(i));
  EXPECT_EQ(query_ids(F().authors(authors)), by_time);
  EXPECT_EQ(query_ids(F().ids(ids_of(events))), by_time);
}

TEST_P(StoreQuery, LimitTakesTheNewest) {
  std::vector<Event> events;
  for (int t = 0; t < 10; ++t) events.push_back(make_event(kAlice, 1, kNow - t));
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok());
  EXPECT_EQ(query_ids(F().limit(3)), (std::vector{events[0].id, events[1].id, events[2].id}));
  EXPECT_TRUE(query(F().limit(0)).empty());
  EXPECT_EQ(query(F().limit(100)).size(), 10u);
}

TEST_P(StoreQuery, EmptyListsMatchNothing) {
  put_ok(make_event(kAlice, 1, kNow));
  EXPECT_TRUE(query(F().ids(std::vector<Bytes32>{})).empty());
  EXPECT_TRUE(query(F().authors(std::vector<Bytes32>{})).empty());
  EXPECT_TRUE(query(F().tag('t', {})).empty());
  EXPECT_TRUE(query(F().since(kNow + 1).until(kNow)).empty());
  EXPECT_EQ(store_->count({F().ids(std::vector<Bytes32>{})}, kNow), 0u);
  EXPECT_TRUE(query(std::vector<nostr::Filter>{}).empty());
}

TEST_P(StoreQuery, SinceAndUntilAreInclusive) {
  std::vector<Event> events;
  for (int t = 0; t < 10; ++t) events.push_back(make_event(kAlice, 1, kNow + t));
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok());
  auto times = [&](const nostr::Filter& f) {
    std::vector<std::int64_t> out;
    for (const auto& e : query(f)) out.push_back(e.created_at - kNow);
    return out;
  };
  EXPECT_EQ(times(F().since(kNow + 3).until(kNow + 5)), (std::vector<std::int64_t>{5, 4, 3}));
  EXPECT_EQ(times(F().kinds({1}).since(kNow + 8)), (std::vector<std::int64_t>{9, 8}));
  EXPECT_EQ(times(F().authors({kAlice}).until(kNow + 1)), (std::vector<std::int64_t>{1, 0}));
  EXPECT_EQ(times(F().authors({kAlice}).kinds({1}).since(kNow + 4).until(kNow + 4)),
            (std::vector<std::int64_t>{4}));
  EXPECT_EQ(times(F().ids(ids_of(events)).since(kNow + 7)), (std::vector<std::int64_t>{9, 8, 7}));
  EXPECT_EQ(times(F().since(-5).until(kNow)), (std::vector<std::int64_t>{0}));
  EXPECT_TRUE(times(F().until(-1)).empty());
}

TEST_P(StoreQuery, IdsFindExactlyThoseEvents) {
  Event a = make_event(kAlice, 1, kNow - 1);
  Event b = make_event(kBob, 7, kNow - 2);
  Event missing = make_event(kCarol, 1, kNow);
  put_ok(a);
  put_ok(b);
  EXPECT_EQ(query_ids(F().ids({b.id, a.id, missing.id})), (std::vector{a.id, b.id}));
  EXPECT_EQ(query_ids(F().ids({a.id, b.id}).kinds({7})), std::vector{b.id});
  EXPECT_EQ(query_ids(F().ids({a.id, b.id}).limit(1)), std::vector{a.id});
}

TEST_P(StoreQuery, MultipleFiltersAreOredWithoutDuplicates) {
  Event a = make_event(kAlice, 1, kNow - 1, {{"t", "x"}});
  Event b = make_event(kBob, 1, kNow - 2, {{"t", "x"}});
  Event c = make_event(kCarol, 7, kNow - 3);
  for (const auto& r : put_all({a, b, c})) ASSERT_TRUE(r.ok());
  auto ids = query_ids({F().authors({kAlice, kBob}), F().tag('t', {"x"}), F().kinds({7}), F().ids({a.id})});
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(std::set(ids.begin(), ids.end()), (std::set{a.id, b.id, c.id}));
  EXPECT_EQ(store_->count({F().authors({kAlice, kBob}), F().tag('t', {"x"}), F().kinds({7})}, kNow), 3u);
}

TEST_P(StoreQuery, EachFilterHasItsOwnLimit) {
  std::vector<Event> events;
  for (int t = 0; t < 10; ++t) {
    events.push_back(make_event(kAlice, 1, kNow - 2 * t));
    events.push_back(make_event(kBob, 1, kNow - 2 * t - 1));
  }
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok());
  auto got = query({F().authors({kAlice}).limit(2), F().authors({kBob}).limit(3)});
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(std::count_if(got.begin(), got.end(), [](const Event& e) { return e.pubkey == kAlice; }), 2);
  // An event already sent for the first filter still counts towards the second one's limit.
  auto overlap = query_ids({F().limit(2), F().authors({kAlice}).limit(2)});
  EXPECT_EQ(overlap.size(), 3u);
}

TEST_P(StoreQuery, TagValuesAreOredAndTagFiltersAnded) {
  Event both = make_event(kAlice, 1, kNow - 1, {{"t", "a"}, {"t", "b"}, {"e", std::string(64, 'e')}});
  Event only_a = make_event(kAlice, 1, kNow - 2, {{"t", "a"}});
  Event b_and_e = make_event(kBob, 1, kNow - 3, {{"t", "b"}, {"e", std::string(64, 'e')}});
  Event long_name = make_event(kBob, 1, kNow - 4, {{"tt", "a"}, {"t"}});
  for (const auto& r : put_all({both, only_a, b_and_e, long_name})) ASSERT_TRUE(r.ok());
  // "both" carries two of the values but comes once.
  EXPECT_EQ(query_ids(F().tag('t', {"a", "b"})), (std::vector{both.id, only_a.id, b_and_e.id}));
  EXPECT_EQ(store_->count({F().tag('t', {"a", "b"})}, kNow), 3u);
  EXPECT_EQ(query_ids(F().tag('t', {"a"}).tag('e', {std::string(64, 'e')})), std::vector{both.id});
  EXPECT_EQ(query_ids(F().tag('e', {std::string(64, 'e')}).authors({kBob})), std::vector{b_and_e.id});
  EXPECT_EQ(query_ids(F().tag('e', {std::string(64, 'e')}).kinds({1}).limit(1)), std::vector{both.id});
  EXPECT_TRUE(query(F().tag('t', {"A"})).empty());  // values are case-sensitive
}

TEST_P(StoreQuery, Search) {
  Event a = make_event(kAlice, 1, kNow - 1, {}, "Hello Nostr world");
  Event b = make_event(kAlice, 1, kNow - 2, {}, "goodbye world");
  for (const auto& r : put_all({a, b})) ASSERT_TRUE(r.ok());
  EXPECT_EQ(query_ids(F().search("WORLD hello")), std::vector{a.id});
  EXPECT_EQ(query_ids(F().kinds({1}).search("world")), (std::vector{a.id, b.id}));
}

TEST_P(StoreQuery, SinkCanStopTheQuery) {
  std::vector<Event> events;
  for (int t = 0; t < 10; ++t) events.push_back(make_event(kAlice, 1, kNow - t));
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok());
  auto cursor = store_->query({F(), F().kinds({1})}, kNow);
  int calls = 0;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(5), [&](const StoredEvent&) { return ++calls < 3; }));
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(cursor->step(std::chrono::seconds(5), [&](const StoredEvent&) { return ++calls, true; }));
  EXPECT_EQ(calls, 3) << "a finished cursor delivers nothing more";
}

TEST_P(StoreQueryData, EveryIndexPathGivesTheRightAnswer) {
  std::vector<nostr::Filter> filters = {
      F(),
      F().limit(7),
      F().authors({kAlice}),
      F().authors({kAlice, kCarol}).limit(15),
      F().authors({kBob}).kinds({7}),
      F().authors({kAlice, kBob, kCarol}).kinds({1, 7}).limit(33),
      F().authors({kAlice}).kinds({7}).since(kNow - 900).until(kNow - 850),
      F().kinds({7}),
      F().kinds({1, 7, 30000}).until(kNow - 950),
      F().tag('t', {"three"}),
      F().tag('t', {"three", "five"}).limit(12),
      F().tag('t', {"three"}).tag('t', {"five"}),
      F().tag('p', {hex(pubkey_of(101))}).kinds({1}),
      F().tag('p', {hex(pubkey_of(101)), hex(pubkey_of(102))}).tag('t', {"five", "zzz"}),
      F().authors({kBob}).tag('t', {"five"}),
      F().search("word1"),
      F().kinds({1}).search("word2").limit(4),
      F().ids({events_[3].id, events_[50].id, events_[99].id}),
      F().since(kNow - 905).until(kNow - 880),
  };
  for (const auto& f : filters) expect_answer(f);
}

TEST_P(StoreQueryData, SlicedQueryGivesTheSameAnswerAsOneStep) {
  std::vector<nostr::Filter> filters = {F().tag('t', {"three", "other"}),
                                        F().authors({kAlice, kBob}).kinds({1}), F().kinds({7}).limit(25),
                                        F()};
  std::vector<Bytes32> whole = query_ids(filters);
  ASSERT_EQ(whole.size(), events_.size());

  auto cursor = store_->query(filters, kNow);
  std::vector<Bytes32> sliced;
  int steps = 0;
  bool done = false;
  while (!done && steps < 100000) {
    ++steps;
    done = cursor->step(std::chrono::microseconds(0), [&](const StoredEvent& e) {
      sliced.push_back(e.event.id);
      return true;
    });
  }
  EXPECT_TRUE(done);
  EXPECT_GT(steps, 1);
  EXPECT_EQ(sliced, whole);
}

TEST_P(StoreQueryData, SlicedQuerySeesWritesBetweenSlicesConsistently) {
  auto cursor = store_->query({F()}, kNow);
  std::vector<Bytes32> got;
  auto sink = [&](const StoredEvent& e) {
    got.push_back(e.event.id);
    return true;
  };
  bool done = cursor->step(std::chrono::microseconds(0), sink);
  // Something newer than where the cursor stands and something it has yet to reach.
  put_ok(make_event(kAlice, 1, kNow + 100));
  Event older = make_event(kAlice, 1, kNow - 5000);
  put_ok(older);
  while (!done) done = cursor->step(std::chrono::microseconds(0), sink);
  std::set<Bytes32> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size()) << "nothing delivered twice";
  EXPECT_TRUE(unique.count(older.id));
}

TEST_P(StoreQueryData, CountIgnoresLimitAndCountsDistinctEvents) {
  EXPECT_EQ(store_->count({F().limit(1)}, kNow), events_.size());
  EXPECT_EQ(store_->count({F().authors({kAlice}), F().kinds({1})}, kNow), 40u + 40u);
  EXPECT_EQ(store_->count({F().tag('t', {"three", "five"})}, kNow),
            expected(F().tag('t', {"three", "five"})).size());
  EXPECT_EQ(store_->count({}, kNow), 0u);
}

TEST_P(StoreQueryData, ConcurrentReadersWhileWriting) {
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 30; ++i) {
        auto cursor = store_->query({F().authors({kAlice}).kinds({1}).limit(10)}, kNow);
        int n = 0;
        while (!cursor->step(std::chrono::microseconds(50), [&](const StoredEvent&) { return ++n, true; })) {
        }
        if (n != 10) failed = true;
      }
    });
  }
  for (int i = 0; i < 30; ++i) put_ok(make_event(kBob, 1, kNow + i));
  for (auto& t : readers) t.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(store_->count({F().authors({kBob}).kinds({1})}, kNow), 50u);
}

}  // namespace
}  // namespace pleb::store::testing
