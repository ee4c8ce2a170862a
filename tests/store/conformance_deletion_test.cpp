// NIP-09 deletions: by event id and by address, tombstones, and what a deletion may not touch.
#include "store_conformance.hpp"

namespace pleb::store::testing {
namespace {

using nostr::Event;

const auto kAlice = pubkey_of(1);
const auto kMallory = pubkey_of(66);

// Appending, rather than "literal" + string, sidesteps a g++-12 -Wrestrict false positive.
std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

nostr::Tag a_tag(std::uint32_t kind, const nostr::Bytes32& pubkey, const std::string& d) {
  return {"a", join({std::to_string(kind), ":", hex(pubkey), ":", d})};
}

TEST_P(StoreDeletion, ByIdRemovesTheEventEverywhereAndBlocksItsReturn) {
  Event note = make_event(kAlice, 1, kNow - 10, {{"t", "gone"}, {"p", hex(kMallory)}});
  Event other = make_event(kAlice, 1, kNow - 9);
  put_ok(note);
  put_ok(other);
  Event deletion = make_event(kAlice, 5, kNow, {e_tag(note)}, "oops");
  put_ok(deletion);
  EXPECT_FALSE(stored(note));
  EXPECT_TRUE(query(F().tag('t', {"gone"})).empty());
  EXPECT_TRUE(query(F().tag('p', {hex(kMallory)})).empty());
  EXPECT_EQ(query_ids(F().authors({kAlice}).kinds({1})), std::vector{other.id});
  EXPECT_EQ(query_ids(F().kinds({5})), std::vector{deletion.id});  // the deletion itself is kept
  EXPECT_EQ(store_->count({F().authors({kAlice})}, kNow), 2u);

  auto again = put(note);
  EXPECT_EQ(again.status, WriteStatus::kDeleted);
  EXPECT_EQ(again.message, "blocked: this event was deleted by its author");
  reopen();
  EXPECT_EQ(put(note).status, WriteStatus::kDeleted);
}

TEST_P(StoreDeletion, RealKeysEndToEnd) {
  auto alice = nostr::generate_secret_key();
  Event note = signed_event(alice, 1, kNow - 10, {}, "signed note");
  Event deletion = signed_event(alice, 5, kNow, {e_tag(note)});
  put_ok(note);
  put_ok(deletion);
  EXPECT_FALSE(stored(note));
  EXPECT_EQ(put(note).status, WriteStatus::kDeleted);
}

TEST_P(StoreDeletion, AnotherAuthorsDeletionIsIgnored) {
  Event note = make_event(kAlice, 1, kNow - 10);
  put_ok(note);
  Event forged = make_event(kMallory, 5, kNow, {e_tag(note)});
  put_ok(forged);  // stored, but without effect on Alice's event
  EXPECT_TRUE(stored(note));
  EXPECT_EQ(put(note).status, WriteStatus::kDuplicate);
}

TEST_P(StoreDeletion, ForgedDeletionBeforeTheEventDoesNotBlockIt) {
  Event note = make_event(kAlice, 1, kNow - 10);
  put_ok(make_event(kMallory, 5, kNow - 20, {e_tag(note)}));
  put_ok(note);
  EXPECT_TRUE(stored(note));
}

TEST_P(StoreDeletion, ForgedDeletionDoesNotLiftARealTombstone) {
  Event note = make_event(kAlice, 1, kNow - 10);
  put_ok(note);
  put_ok(make_event(kAlice, 5, kNow - 5, {e_tag(note)}));
  put_ok(make_event(kMallory, 5, kNow, {e_tag(note)}));
  EXPECT_EQ(put(note).status, WriteStatus::kDeleted);
}

TEST_P(StoreDeletion, DeletionArrivingBeforeTheEventBlocksIt) {
  Event note = make_event(kAlice, 1, kNow - 10);
  put_ok(make_event(kAlice, 5, kNow, {e_tag(note)}));
  EXPECT_EQ(put(note).status, WriteStatus::kDeleted);
  EXPECT_FALSE(stored(note));
}

TEST_P(StoreDeletion, DeletingADeletionDoesNothing) {
  Event note = make_event(kAlice, 1, kNow - 10);
  Event first = make_event(kAlice, 5, kNow - 5, {e_tag(note)});
  Event second = make_event(kAlice, 5, kNow, {e_tag(first)});
  put_ok(note);
  put_ok(first);
  put_ok(second);
  EXPECT_TRUE(stored(first));
  EXPECT_FALSE(stored(note));
  EXPECT_EQ(put(note).status, WriteStatus::kDeleted);  // still deleted
}

TEST_P(StoreDeletion, WithinOneBatchInOrder) {
  Event early = make_event(kAlice, 1, kNow - 10);
  Event late = make_event(kAlice, 1, kNow - 9);
  Event deletion = make_event(kAlice, 5, kNow, {e_tag(early), e_tag(late)});
  auto results = put_all({early, deletion, late});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, WriteStatus::kStored);  // committed, then deleted in the same batch
  EXPECT_EQ(results[1].status, WriteStatus::kStored);
  EXPECT_EQ(results[2].status, WriteStatus::kDeleted);
  EXPECT_EQ(query_ids(F()), std::vector{deletion.id});
}

TEST_P(StoreDeletion, OneDeletionManyTargets) {
  std::vector<Event> notes;
  std::vector<nostr::Tag> tags;
  for (int i = 0; i < 20; ++i) {
    notes.push_back(make_event(kAlice, 1, kNow - 100 + i, {{"t", "many"}}));
    if (i % 2 == 0) tags.push_back(e_tag(notes.back()));
  }
  tags.push_back({"e", "not hex"});
  tags.push_back({"e"});
  for (const auto& r : put_all(notes)) ASSERT_TRUE(r.ok());
  put_ok(make_event(kAlice, 5, kNow, tags));
  EXPECT_EQ(query(F().tag('t', {"many"})).size(), 10u);
  EXPECT_EQ(store_->count({F().kinds({1})}, kNow), 10u);
}

TEST_P(StoreDeletion, ByAddressDeletesVersionsUpToItsTime) {
  Event article = make_event(kAlice, 30023, kNow - 100, {{"d", "post"}, {"t", "art"}});
  Event sibling = make_event(kAlice, 30023, kNow - 100, {{"d", "other"}});
  put_ok(article);
  put_ok(sibling);
  put_ok(make_event(kAlice, 5, kNow - 50, {a_tag(30023, kAlice, "post")}));
  EXPECT_FALSE(stored(article));
  EXPECT_TRUE(query(F().tag('t', {"art"})).empty());
  EXPECT_TRUE(stored(sibling));
  // Versions up to the deletion's time stay deleted; a later edit is a new version and is welcome.
  EXPECT_EQ(put(article).status, WriteStatus::kDeleted);
  EXPECT_EQ(put(make_event(kAlice, 30023, kNow - 50, {{"d", "post"}})).status, WriteStatus::kDeleted);
  Event edit = make_event(kAlice, 30023, kNow - 40, {{"d", "post"}});
  put_ok(edit);
  EXPECT_TRUE(stored(edit));
}

TEST_P(StoreDeletion, ByAddressKeepsANewerVersion) {
  Event newer = make_event(kAlice, 30023, kNow - 10, {{"d", "post"}});
  put_ok(newer);
  put_ok(make_event(kAlice, 5, kNow - 50, {a_tag(30023, kAlice, "post")}));
  EXPECT_TRUE(stored(newer));
}

TEST_P(StoreDeletion, ByAddressBeforeTheEventArrives) {
  put_ok(make_event(kAlice, 5, kNow - 50, {a_tag(30001, kAlice, "list")}));
  EXPECT_EQ(put(make_event(kAlice, 30001, kNow - 60, {{"d", "list"}})).status, WriteStatus::kDeleted);
  put_ok(make_event(kAlice, 30001, kNow - 40, {{"d", "list"}}));
}

TEST_P(StoreDeletion, ByAddressOfAReplaceableKind) {
  Event profile = make_event(kAlice, 0, kNow - 100, {}, "{}");
  put_ok(profile);
  put_ok(make_event(kAlice, 5, kNow - 50, {{"a", join({"0:", hex(kAlice), ":"})}}));
  EXPECT_FALSE(stored(profile));
  EXPECT_EQ(put(make_event(kAlice, 0, kNow - 60, {}, "{}")).status, WriteStatus::kDeleted);
  put_ok(make_event(kAlice, 0, kNow - 10, {}, "{\"name\":\"new\"}"));
}

TEST_P(StoreDeletion, ByAddressOfAnotherAuthorIsIgnored) {
  Event article = make_event(kAlice, 30023, kNow - 100, {{"d", "post"}});
  put_ok(article);
  put_ok(make_event(kMallory, 5, kNow, {a_tag(30023, kAlice, "post")}));
  EXPECT_TRUE(stored(article));
  put_ok(make_event(kAlice, 30023, kNow - 90, {{"d", "post"}}));  // no tombstone was recorded
}

TEST_P(StoreDeletion, MalformedAddressesAreIgnored) {
  Event article = make_event(kAlice, 30023, kNow - 100, {{"d", "post"}});
  put_ok(article);
  const std::string alice = hex(kAlice);
  for (std::string bad :
       {std::string(""), std::string("30023"), join({":", alice, ":post"}), join({"x:", alice, ":post"}),
        join({"30023:", alice.substr(2), ":post"}), join({"99999999999:", alice, ":post"})}) {
    put_ok(make_event(kAlice, 5, kNow, {{"a", bad}}, bad));
  }
  EXPECT_TRUE(stored(article));
}

TEST_P(StoreDeletion, DTagWithColons) {
  Event article = make_event(kAlice, 30023, kNow - 100, {{"d", "a:b:c"}});
  put_ok(article);
  put_ok(make_event(kAlice, 5, kNow, {a_tag(30023, kAlice, "a:b:c")}));
  EXPECT_FALSE(stored(article));
}

}  // namespace
}  // namespace pleb::store::testing

// A moderator's takedown (a ban of the event): the stored copy goes with every index entry, nothing is
// left behind to block it, and what was not named stays.
namespace pleb::store::testing {
namespace {

TEST_P(StoreDeletion, EraseTakesEventsDownEverywhere) {
  Event note = make_event(kAlice, 1, kNow - 10, {{"t", "spam"}, {"p", hex(kMallory)}});
  Event profile = make_event(kAlice, 0, kNow - 9);
  Event article = make_event(kAlice, 30023, kNow - 8, {{"d", "post"}});
  Event expiring = make_event(kAlice, 1, kNow - 7, {{"expiration", std::to_string(kNow + 3600)}});
  Event kept = make_event(kAlice, 1, kNow - 6);
  for (const auto& e : {note, profile, article, expiring, kept}) put_ok(e);

  std::vector<nostr::Bytes32> ids{note.id, profile.id, article.id, expiring.id, pubkey_of(99)};
  EXPECT_EQ(store_->erase(ids), 4u);  // the last was never stored
  EXPECT_EQ(query_ids(F().authors({kAlice})), std::vector{kept.id});
  EXPECT_TRUE(query(F().tag('t', {"spam"})).empty());
  EXPECT_TRUE(query(F().tag('p', {hex(kMallory)})).empty());
  EXPECT_TRUE(query(F().tag('d', {"post"})).empty());
  EXPECT_TRUE(query(F().kinds({0})).empty());
  EXPECT_EQ(store_->count({F().authors({kAlice})}, kNow), 1u);
  EXPECT_EQ(store_->erase(ids), 0u);                  // again: nothing left
  EXPECT_EQ(store_->purge_expired(kNow + 7200), 0u);  // its expiry entry went too

  // No tombstone: the same events may be stored again (the ban, not the store, refuses them), and an
  // older version of the replaceable ones is accepted since nothing holds their address.
  put_ok(note);
  put_ok(make_event(kAlice, 0, kNow - 100));
  put_ok(make_event(kAlice, 30023, kNow - 100, {{"d", "post"}}));
  EXPECT_EQ(store_->count({F().authors({kAlice})}, kNow), 4u);
  reopen();
  EXPECT_EQ(store_->count({F().authors({kAlice})}, kNow), 4u);
  EXPECT_EQ(store_->erase(std::vector<nostr::Bytes32>{}), 0u);
}

TEST_P(StoreDeletion, EraseAuthorTakesTheirEventsDownInChunks) {
  for (int i = 0; i < 5; ++i) put_ok(make_event(kAlice, 1, kNow - 10 - i, {{"t", "purged"}}));
  put_ok(make_event(kAlice, 30023, kNow - 5, {{"d", "post"}}));
  Event mallorys = make_event(kMallory, 1, kNow - 3, {{"p", hex(kAlice)}});
  put_ok(mallorys);
  EXPECT_EQ(store_->erase_author(kAlice, 4), 4u);
  EXPECT_EQ(store_->erase_author(kAlice, 4), 2u);  // fewer than the limit: done
  EXPECT_EQ(store_->erase_author(kAlice, 4), 0u);
  EXPECT_TRUE(query(F().authors({kAlice})).empty());
  EXPECT_TRUE(query(F().tag('t', {"purged"})).empty());
  EXPECT_EQ(query_ids(F().tag('p', {hex(kAlice)})), std::vector{mallorys.id});  // others' mentions stay
  put_ok(make_event(kAlice, 30023, kNow - 50, {{"d", "post"}}));                // its address is free
  reopen();
  EXPECT_EQ(store_->count({F().authors({kAlice})}, kNow), 1u);
}

}  // namespace
}  // namespace pleb::store::testing
