// Storage rules on write: duplicates, NIP-40 expiration, replaceable and addressable events, restarts.
#include <array>

#include "nostr/json_writer.hpp"
#include "store_conformance.hpp"

namespace pleb::store::testing {
namespace {

using nostr::Event;

const auto kAlice = pubkey_of(1);
const auto kBob = pubkey_of(2);

TEST_P(StoreWrite, StoresAndServesTheCanonicalJson) {
  Event e = make_event(kAlice, 1, kNow - 10, {{"t", "hello"}, {"p", hex(kBob)}}, "line\n\"quoted\" é");
  auto result = put(e);
  EXPECT_EQ(result.status, WriteStatus::kStored);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.message, "");

  auto cursor = store_->query({F().ids({e.id})}, kNow);
  std::vector<StoredEvent> got;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(5), [&](const StoredEvent& s) {
    got.push_back(s);
    return true;
  }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, e);
  EXPECT_EQ(got[0].json, nostr::to_json(e));
}

TEST_P(StoreWrite, SignedEventRoundTrips) {
  auto key = nostr::generate_secret_key();
  Event e = signed_event(key, 1, kNow, {{"t", "nostr"}}, "signed");
  put_ok(e);
  auto got = query(F().authors({e.pubkey}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], e);
}

TEST_P(StoreWrite, QueryJsonCarriesHeaderAndJson) {
  Event e = make_event(kAlice, 7, kNow, {{"e", std::string(64, 'a')}}, "+");
  put_ok(e);
  auto cursor = store_->query_json({F().kinds({7})}, kNow);
  int n = 0;
  EXPECT_TRUE(cursor->step(std::chrono::seconds(5), [&](const StoredEvent& s) {
    ++n;
    EXPECT_EQ(s.json, nostr::to_json(e));
    EXPECT_EQ(s.event.id, e.id);
    EXPECT_EQ(s.event.pubkey, e.pubkey);
    EXPECT_EQ(s.event.created_at, e.created_at);
    EXPECT_EQ(s.event.kind, e.kind);
    return true;
  }));
  EXPECT_EQ(n, 1);
}

TEST_P(StoreWrite, DuplicateIsRefused) {
  Event e = make_event(kAlice, 1, kNow);
  put_ok(e);
  auto again = put(e);
  EXPECT_EQ(again.status, WriteStatus::kDuplicate);
  EXPECT_EQ(again.message, "duplicate: already have this event");
  EXPECT_EQ(query(F()).size(), 1u);
}

TEST_P(StoreWrite, DuplicateWithinOneBatch) {
  Event e = make_event(kAlice, 1, kNow);
  auto results = put_all({e, e});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, WriteStatus::kStored);
  EXPECT_EQ(results[1].status, WriteStatus::kDuplicate);
}

TEST_P(StoreWrite, EmptyBatchWritesNothing) {
  EXPECT_TRUE(store_->write({}, kNow).empty());
  EXPECT_TRUE(store_->writable());
}

TEST_P(StoreWrite, ExpiredEventIsRefusedOnArrival) {
  Event past = make_event(kAlice, 1, kNow - 100, {{"expiration", std::to_string(kNow - 1)}});
  Event now = make_event(kAlice, 1, kNow - 100, {{"expiration", std::to_string(kNow)}});
  auto r = put(past);
  EXPECT_EQ(r.status, WriteStatus::kExpired);
  EXPECT_EQ(r.message, "invalid: event has expired");
  EXPECT_EQ(put(now).status, WriteStatus::kExpired);  // "at or before now" counts as expired
  EXPECT_TRUE(query(F()).empty());
}

TEST_P(StoreWrite, ExpiredEventIsNotServedBeforePurge) {
  Event e = make_event(kAlice, 1, kNow, {{"expiration", std::to_string(kNow + 60)}, {"t", "x"}});
  Event keep = make_event(kAlice, 1, kNow - 1, {{"expiration", "not a number"}});
  put_ok(e);
  put_ok(keep);
  EXPECT_EQ(query(F().kinds({1}), kNow).size(), 2u);
  for (std::int64_t at : {kNow + 60, kNow + 61}) {
    EXPECT_EQ(query_ids(F().kinds({1}), at), std::vector{keep.id});
    EXPECT_TRUE(query(F().ids({e.id}), at).empty());
    EXPECT_TRUE(query(F().tag('t', {"x"}), at).empty());
    EXPECT_EQ(store_->count({F().authors({kAlice})}, at), 1u);
  }
}

TEST_P(StoreWrite, PurgeRemovesExpiredEventsEverywhere) {
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(
        make_event(kAlice, 1, kNow + i, {{"expiration", std::to_string(kNow + 100 + i)}, {"t", "x"}}));
  }
  Event lasting = make_event(kAlice, 1, kNow, {{"t", "x"}});
  events.push_back(lasting);
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok()) << r.message;

  EXPECT_EQ(store_->purge_expired(kNow + 99), 0u);
  EXPECT_EQ(store_->purge_expired(kNow + 102), 3u);  // expirations 100, 101, 102
  // Asked with a `now` before any expiration, so only removal (not the expiry check) can hide them.
  EXPECT_EQ(query(F().tag('t', {"x"}), kNow).size(), 3u);
  EXPECT_EQ(query(F().authors({kAlice}).kinds({1}), kNow).size(), 3u);
  EXPECT_EQ(query(F().ids({events[0].id, events[1].id, events[2].id}), kNow).size(), 0u);
  EXPECT_EQ(store_->purge_expired(kNow + 1000), 2u);
  EXPECT_EQ(store_->purge_expired(kNow + 1000), 0u);
  EXPECT_EQ(query_ids(F(), kNow), std::vector{lasting.id});
  EXPECT_EQ(store_->count({F()}, kNow), 1u);
}

TEST_P(StoreWrite, ReplaceableKeepsOnlyTheNewest) {
  for (std::uint32_t kind : {0u, 3u, 10002u}) {
    Event v1 = make_event(kAlice, kind, kNow - 20, {}, "v1");
    Event v2 = make_event(kAlice, kind, kNow - 10, {}, "v2");
    Event old = make_event(kAlice, kind, kNow - 30, {}, "old");
    put_ok(v1);
    put_ok(v2);
    auto r = put(old);
    EXPECT_EQ(r.status, WriteStatus::kSuperseded) << kind;
    EXPECT_EQ(r.message, "duplicate: a newer version of this event is stored");
    EXPECT_EQ(put(v1).status, WriteStatus::kSuperseded) << "a replaced version stays out";
    EXPECT_EQ(query_ids(F().authors({kAlice}).kinds({kind})), std::vector{v2.id}) << kind;
    EXPECT_TRUE(query(F().ids({v1.id})).empty());
  }
  // Other authors and other kinds are separate addresses.
  Event bob = make_event(kBob, 0, kNow - 50, {}, "bob");
  put_ok(bob);
  EXPECT_EQ(query(F().kinds({0})).size(), 2u);
  EXPECT_EQ(query(F().authors({kAlice})).size(), 3u);
  EXPECT_EQ(store_->count({F()}, kNow), 4u);
}

TEST_P(StoreWrite, ReplacementRemovesTheOldVersionFromEveryIndex) {
  Event v1 = make_event(kAlice, 3, kNow - 20, {{"p", hex(kBob)}, {"t", "old"}});
  Event v2 = make_event(kAlice, 3, kNow - 10, {{"p", hex(pubkey_of(3))}});
  put_ok(v1);
  put_ok(v2);
  EXPECT_TRUE(query(F().tag('t', {"old"})).empty());
  EXPECT_TRUE(query(F().tag('p', {hex(kBob)})).empty());
  EXPECT_EQ(query_ids(F().tag('p', {hex(pubkey_of(3))})), std::vector{v2.id});
  EXPECT_EQ(query_ids(F().kinds({3})), std::vector{v2.id});
  EXPECT_EQ(query_ids(F().authors({kAlice})), std::vector{v2.id});
  EXPECT_EQ(query_ids(F().since(kNow - 20).until(kNow - 20)), std::vector<nostr::Bytes32>{});
}

// The same within one batch, where the old version's index entries and id were never committed (the
// LMDB store puts them at the end of the batch, in key order).
TEST_P(StoreWrite, ReplacementWithinOneBatchLeavesNoIndexEntryBehind) {
  Event v1 = make_event(kAlice, 3, kNow - 20, {{"p", hex(kBob)}, {"t", "old"}});
  Event v2 = make_event(kAlice, 3, kNow - 10, {{"p", hex(pubkey_of(3))}});
  Event note = make_event(kAlice, 1, kNow - 15, {{"t", "old"}});
  Event deletion = make_event(kAlice, 5, kNow - 5, {e_tag(note)});
  auto results = put_all({v1, note, v2, deletion});
  for (const auto& result : results) EXPECT_EQ(result.status, WriteStatus::kStored);
  EXPECT_TRUE(query(F().tag('t', {"old"})).empty());
  EXPECT_TRUE(query(F().tag('p', {hex(kBob)})).empty());
  EXPECT_TRUE(query(F().ids({v1.id, note.id})).empty());
  EXPECT_EQ(query_ids(F().kinds({3})), std::vector{v2.id});
  EXPECT_EQ(query_ids(F().authors({kAlice}).kinds({1, 3})), std::vector{v2.id});
  EXPECT_EQ(query_ids(F().since(kNow - 20).until(kNow - 11)), std::vector<nostr::Bytes32>{});
  EXPECT_EQ(store_->count({F()}, kNow), 2u);
  auto again = put_all({v1, note});
  EXPECT_EQ(again[0].status, WriteStatus::kSuperseded);
  EXPECT_EQ(again[1].status, WriteStatus::kDeleted);
}

TEST_P(StoreWrite, ReplaceableTieGoesToTheLowestId) {
  Event a = make_event(kAlice, 0, kNow, {}, "a");
  Event b = make_event(kAlice, 0, kNow, {}, "b");
  const Event& low = a.id < b.id ? a : b;
  const Event& high = a.id < b.id ? b : a;
  // Lowest id first: the higher one arriving later is superseded.
  put_ok(low);
  EXPECT_EQ(put(high).status, WriteStatus::kSuperseded);
  EXPECT_EQ(query_ids(F().kinds({0})), std::vector{low.id});

  // Highest first: the lower one replaces it.
  Event c = make_event(kBob, 0, kNow, {}, "a");
  Event d = make_event(kBob, 0, kNow, {}, "b");
  const Event& low2 = c.id < d.id ? c : d;
  const Event& high2 = c.id < d.id ? d : c;
  put_ok(high2);
  put_ok(low2);
  EXPECT_EQ(query_ids(F().authors({kBob})), std::vector{low2.id});
}

TEST_P(StoreWrite, AddressableIsKeyedByDTag) {
  Event a1 = make_event(kAlice, 30023, kNow - 30, {{"d", "a"}}, "a1");
  Event b1 = make_event(kAlice, 30023, kNow - 20, {{"d", "b"}}, "b1");
  Event a2 = make_event(kAlice, 30023, kNow - 10, {{"d", "a"}}, "a2");
  Event none1 = make_event(kAlice, 30023, kNow - 30, {}, "no d");
  Event empty2 = make_event(kAlice, 30023, kNow - 5, {{"d", ""}}, "empty d");
  Event other_kind = make_event(kAlice, 30024, kNow - 30, {{"d", "a"}});
  for (const auto& r : put_all({a1, b1, a2, none1, empty2, other_kind})) EXPECT_TRUE(r.ok()) << r.message;
  // a2 replaced a1; an absent d is the empty d, so empty2 replaced none1.
  auto ids = query_ids(F().authors({kAlice}).kinds({30023}));
  EXPECT_EQ(ids, (std::vector{empty2.id, a2.id, b1.id}));
  EXPECT_EQ(query_ids(F().kinds({30023}).tag('d', {"a"})), std::vector{a2.id});
  EXPECT_EQ(put(a1).status, WriteStatus::kSuperseded);
  EXPECT_EQ(put(make_event(kAlice, 30023, kNow - 40, {{"d", "b"}})).status, WriteStatus::kSuperseded);
  EXPECT_EQ(query(F().kinds({30024})).size(), 1u);
}

TEST_P(StoreWrite, AddressableReplacementWithinOneBatch) {
  Event v1 = make_event(kAlice, 30000, kNow - 2, {{"d", "x"}});
  Event v2 = make_event(kAlice, 30000, kNow - 1, {{"d", "x"}});
  Event v0 = make_event(kAlice, 30000, kNow - 3, {{"d", "x"}});
  auto results = put_all({v1, v2, v0});
  EXPECT_EQ(results[0].status, WriteStatus::kStored);
  EXPECT_EQ(results[1].status, WriteStatus::kStored);
  EXPECT_EQ(results[2].status, WriteStatus::kSuperseded);
  EXPECT_EQ(query_ids(F().kinds({30000})), std::vector{v2.id});
}

TEST_P(StoreWrite, RegularEventsAreNeverReplaced) {
  Event a = make_event(kAlice, 1, kNow - 2);
  Event b = make_event(kAlice, 1, kNow - 1);
  put_ok(a);
  put_ok(b);
  EXPECT_EQ(query(F().authors({kAlice})).size(), 2u);
}

TEST_P(StoreWrite, ReopenFindsEverything) {
  std::vector<Event> events;
  for (int i = 0; i < 50; ++i) {
    std::uint32_t kind = std::array{1u, 7u, 1111u}[i % 3];
    events.push_back(make_event(pubkey_of(i % 5), kind, kNow - i, {{"t", "tag" + std::to_string(i % 4)}}));
  }
  Event replaceable = make_event(kAlice, 0, kNow - 100);
  events.push_back(replaceable);
  Event deletion = make_event(kBob, 5, kNow, {e_tag(make_event(kBob, 1, kNow - 1000))});
  events.push_back(deletion);
  for (const auto& r : put_all(events)) ASSERT_TRUE(r.ok()) << r.message;
  reopen();
  EXPECT_EQ(query(F()).size(), events.size());
  EXPECT_EQ(query(F().tag('t', {"tag1"})).size(), 13u);
  EXPECT_EQ(store_->count({F().authors({pubkey_of(3)})}, kNow), 10u);
  // Rules keep working on the reopened data: duplicates, replacement, tombstones, new serials.
  EXPECT_EQ(put(events[7]).status, WriteStatus::kDuplicate);
  EXPECT_EQ(put(make_event(kAlice, 0, kNow - 200)).status, WriteStatus::kSuperseded);
  EXPECT_EQ(put(make_event(kBob, 1, kNow - 1000)).status, WriteStatus::kDeleted);
  Event fresh = make_event(kAlice, 1, kNow + 5);
  put_ok(fresh);
  EXPECT_EQ(query_ids(F().limit(1)), std::vector{fresh.id});
}

TEST_P(StoreWrite, WritableWhenOpen) {
  EXPECT_TRUE(store_->writable());
}

}  // namespace
}  // namespace pleb::store::testing
