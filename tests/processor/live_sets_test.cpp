// The write policy's live sets: moderators' bans and the community's members change while the pipeline
// runs, and the stages that read them (bans, NIP-05, duplicates, web of trust) follow without a rebuild.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <thread>
#include <utility>

#include "nostr/bytes.hpp"
#include "processor/ban_list.hpp"
#include "processor/member_set.hpp"
#include "processor/policy_config.hpp"
#include "processor/snapshot_cell.hpp"
#include "processor/stages.hpp"
#include "processor/trust.hpp"

namespace pleb::processor {
namespace {

nostr::Bytes32 key(std::uint8_t n) {
  nostr::Bytes32 k;
  k.fill(n);
  return k;
}

nostr::Event note(std::uint8_t author, std::uint8_t id = 0) {
  nostr::Event e;
  e.kind = 1;
  e.pubkey = key(author);
  e.id = key(id);
  return e;
}

TEST(SnapshotCell, ReadersSeeEachStoreAndTellCellsApart) {
  SnapshotCell<int> one(std::make_shared<const int>(1));
  SnapshotCell<int> two(std::make_shared<const int>(2));
  EXPECT_EQ(one.read(), 1);
  EXPECT_EQ(two.read(), 2);  // another cell on the same thread: not the first one's cached value
  EXPECT_EQ(one.read(), 1);
  one.store(std::make_shared<const int>(10));
  EXPECT_EQ(one.read(), 10);
  EXPECT_EQ(*one.load(), 10);
  int seen_on_other_thread = 0;
  std::thread([&] { seen_on_other_thread = one.read(); }).join();
  EXPECT_EQ(seen_on_other_thread, 10);
  {
    SnapshotCell<int> gone(std::make_shared<const int>(3));
    EXPECT_EQ(gone.read(), 3);
  }
  SnapshotCell<int> reused(std::make_shared<const int>(4));  // may take the address of the one gone
  EXPECT_EQ(reused.read(), 4);
}

TEST(BanList, ChangesPublishANewSnapshotAndLeaveTheOldOneAlone) {
  BanList bans;
  auto before = bans.snapshot();
  EXPECT_TRUE(bans.ban({BanKind::kPubkey, nostr::to_hex(key(1)), true}));
  EXPECT_TRUE(bans.ban({BanKind::kEvent, nostr::to_hex(key(2))}));
  EXPECT_TRUE(bans.ban({BanKind::kAddress, "203.0.113.7"}));
  EXPECT_FALSE(bans.ban({BanKind::kPubkey, "not hex"}));
  EXPECT_FALSE(bans.ban({BanKind::kAddress, ""}));
  EXPECT_TRUE(before->pubkeys.empty()) << "a reader's snapshot never changes under it";
  auto now = bans.snapshot();
  EXPECT_TRUE(now->pubkeys.at(key(1)));
  EXPECT_TRUE(now->event_ids.contains(key(2)));
  EXPECT_TRUE(now->addresses.contains("203.0.113.7"));
  // Banned again without shadow: the flag follows the latest ban.
  EXPECT_TRUE(bans.ban({BanKind::kPubkey, nostr::to_hex(key(1)), false}));
  EXPECT_FALSE(bans.snapshot()->pubkeys.at(key(1)));
  EXPECT_TRUE(bans.unban(BanKind::kEvent, nostr::to_hex(key(2))));
  EXPECT_FALSE(bans.unban(BanKind::kEvent, nostr::to_hex(key(2))));
  EXPECT_FALSE(bans.unban(BanKind::kPubkey, "not hex"));
  bans.replace({{BanKind::kAddress, "2001:db8::1"}, {BanKind::kPubkey, "bad"}});
  EXPECT_TRUE(bans.snapshot()->pubkeys.empty());
  EXPECT_EQ(bans.snapshot()->addresses, (std::unordered_set<std::string>{"2001:db8::1"}));
}

TEST(BanList, ReadersAndWritersOnManyThreads) {
  BanList bans;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> reads{0};
  std::vector<std::thread> readers;
  std::latch reading(3);  // the writes start once every reader is reading, however busy the machine
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      bool first = true;
      while (!stop) {
        auto snapshot = bans.snapshot();
        if (snapshot->pubkeys.size() <= 100) ++reads;
        if (std::exchange(first, false)) reading.count_down();
      }
    });
  }
  reading.wait();
  for (std::uint8_t i = 0; i < 100; ++i) bans.ban({BanKind::kPubkey, nostr::to_hex(key(i))});
  for (std::uint8_t i = 0; i < 50; ++i) bans.unban(BanKind::kPubkey, nostr::to_hex(key(i)));
  stop = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(bans.snapshot()->pubkeys.size(), 50u);
  EXPECT_GT(reads.load(), 0u);
}

TEST(BanPolicy, TheLiveListBansLikeTheConfiguredOne) {
  auto live = std::make_shared<BanList>();
  BanPolicy::Lists configured;
  configured.pubkeys = {key(9)};
  BanPolicy policy(configured, live);
  EventSource from;
  from.info = "203.0.113.7";
  EXPECT_EQ(policy.check(note(1), from).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(note(9), from).message, "blocked: this author is banned from this relay");

  live->ban({BanKind::kPubkey, nostr::to_hex(key(1))});
  auto refused = policy.check(note(1), from);
  EXPECT_EQ(refused.message, "blocked: this author is banned from this relay");
  EXPECT_EQ(refused.reason, "author");
  live->ban({BanKind::kPubkey, nostr::to_hex(key(2)), true});
  auto hidden = policy.check(note(2), from);
  EXPECT_EQ(hidden.verdict, Verdict::kShadowReject);
  EXPECT_EQ(hidden.reason, "author");
  live->ban({BanKind::kEvent, nostr::to_hex(key(40))});
  EXPECT_EQ(policy.check(note(3, 40), from).message, "blocked: this event is banned from this relay");
  live->ban({BanKind::kAddress, "203.0.113.7"});
  EXPECT_EQ(policy.check(note(3), from).message, "blocked: this address is banned from this relay");
  EXPECT_EQ(policy.check(note(3), {}).verdict, Verdict::kAccept) << "no address: an import";
  live->replace({});
  EXPECT_EQ(policy.check(note(1), from).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(note(2), from).verdict, Verdict::kAccept);
}

TEST(MemberSet, TellsListenersOfChangesOnly) {
  MemberSet members;
  int told = 0;
  auto id = members.listen([&] { ++told; });
  EXPECT_TRUE(members.add(key(1)));
  EXPECT_FALSE(members.add(key(1)));
  EXPECT_TRUE(members.contains(key(1)));
  EXPECT_TRUE(members.replace({key(1), key(2)}));
  EXPECT_FALSE(members.replace({key(2), key(1)}));
  EXPECT_TRUE(members.remove(key(1)));
  EXPECT_FALSE(members.remove(key(1)));
  EXPECT_EQ(told, 3);
  members.unlisten(id);
  members.add(key(3));
  EXPECT_EQ(told, 3);
}

TEST(LiveMembers, ExemptFromNip05AndDuplicates) {
  auto members = std::make_shared<MemberSet>();
  Nip05Policy nip05([](const nostr::Bytes32&) { return false; }, {}, members);
  EXPECT_EQ(nip05.check(note(1), {}).verdict, Verdict::kReject);
  members->add(key(1));
  EXPECT_EQ(nip05.check(note(1), {}).verdict, Verdict::kAccept);
  members->remove(key(1));
  EXPECT_EQ(nip05.check(note(1), {}).verdict, Verdict::kReject);

  DuplicateConfig config;
  config.max_authors = 1;
  config.min_words = 1;
  config.members = members;
  DuplicatePolicy duplicates(config);
  auto copy = [](std::uint8_t author) {
    auto e = note(author, author);
    e.content = "buy cheap sats now at the best price";
    e.created_at = 1700000000;
    return e;
  };
  EventSource at;
  at.now = 1700000000;
  EXPECT_EQ(duplicates.check(copy(1), at).verdict, Verdict::kAccept);
  EXPECT_EQ(duplicates.check(copy(2), at).verdict, Verdict::kReject);
  members->add(key(3));
  EXPECT_EQ(duplicates.check(copy(3), at).verdict, Verdict::kAccept) << "a member is exempt";
}

TEST(LiveMembers, TrustTakesNewSeedsAndTheirFollowsWithoutARebuiltPipeline) {
  std::mutex mutex;
  std::map<nostr::Bytes32, nostr::Event> lists;
  nostr::Event follows;
  follows.kind = 3;
  follows.pubkey = key(2);
  follows.tags.push_back({"p", nostr::to_hex(key(5))});
  lists[key(2)] = follows;  // stored before 2 joins
  LatestEventLookup lookup = [&](const nostr::Bytes32& author, std::uint32_t) -> std::optional<nostr::Event> {
    std::lock_guard lock(mutex);
    auto it = lists.find(author);
    if (it == lists.end()) return std::nullopt;
    return it->second;
  };
  auto members = std::make_shared<MemberSet>();
  members->add(key(1));
  PolicyConfig config;
  config.live_members = members;
  config.trust = TrustConfig{};
  config.trust->distance = 1;
  auto pipeline = build_pipeline(config);
  pipeline->start(lookup);
  EXPECT_EQ(pipeline->evaluate(note(1), {}).verdict, Verdict::kAccept);
  EXPECT_EQ(pipeline->evaluate(note(2), {}).verdict, Verdict::kReject);
  EXPECT_EQ(pipeline->evaluate(note(5), {}).verdict, Verdict::kReject);

  members->add(key(2));
  EXPECT_EQ(pipeline->evaluate(note(2), {}).verdict, Verdict::kAccept) << "a new member at once";
  bool follow_trusted = false;
  for (int i = 0; i < 500 && !follow_trusted; ++i) {
    follow_trusted = pipeline->evaluate(note(5), {}).verdict == Verdict::kAccept;
    if (!follow_trusted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(follow_trusted) << "whom the new member follows, after the graph is rebuilt";

  members->remove(key(2));
  bool dropped = false;
  for (int i = 0; i < 500 && !dropped; ++i) {
    dropped = pipeline->evaluate(note(5), {}).verdict == Verdict::kReject &&
              pipeline->evaluate(note(2), {}).verdict == Verdict::kReject;
    if (!dropped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(dropped) << "a member who left is no seed any more";
  EXPECT_EQ(pipeline->evaluate(note(1), {}).verdict, Verdict::kAccept);
}

}  // namespace
}  // namespace pleb::processor
