#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "nostr/bytes.hpp"
#include "processor/decision_log.hpp"
#include "processor/trust.hpp"

namespace pleb::processor {
namespace {

nostr::Bytes32 key(std::uint8_t n) {
  nostr::Bytes32 k;
  k.fill(n);
  return k;
}

nostr::Event follow_list(std::uint8_t author, std::vector<std::uint8_t> follows) {
  nostr::Event e;
  e.kind = 3;
  e.pubkey = key(author);
  for (auto f : follows) e.tags.push_back({"p", nostr::to_hex(key(f))});
  e.tags.push_back({"p", "not hex"});
  return e;
}

nostr::Event note_by(std::uint8_t author, std::uint32_t kind = 1) {
  nostr::Event e;
  e.kind = kind;
  e.pubkey = key(author);
  return e;
}

// The store, as the stage sees it: the latest follow list of each author.
struct FakeFollowLists {
  std::mutex mutex;
  std::map<nostr::Bytes32, nostr::Event> lists;
  void put(nostr::Event e) {
    std::lock_guard lock(mutex);
    lists[e.pubkey] = std::move(e);
  }
  LatestEventLookup lookup() {
    return [this](const nostr::Bytes32& author, std::uint32_t kind) -> std::optional<nostr::Event> {
      std::lock_guard lock(mutex);
      auto it = lists.find(author);
      if (kind != 3 || it == lists.end()) return std::nullopt;
      return it->second;
    };
  }
};

TEST(TrustPolicy, AcceptsSeedsAndWhomTheyFollowWithinTheDistance) {
  FakeFollowLists store;
  store.put(follow_list(1, {2, 3}));
  store.put(follow_list(2, {4}));
  store.put(follow_list(4, {5}));
  TrustConfig config;
  config.seeds = {key(1)};
  config.distance = 1;
  TrustPolicy near(config);
  near.start(store.lookup());
  EXPECT_EQ(near.check(note_by(1), {}).verdict, Verdict::kAccept);
  EXPECT_EQ(near.check(note_by(3), {}).verdict, Verdict::kAccept);
  auto far = near.check(note_by(4), {});
  EXPECT_EQ(far.message,
            "restricted: this relay accepts events only from its members and the people they follow");
  EXPECT_EQ(far.reason, "untrusted");
  EXPECT_EQ(near.trusted_count(), 3u);

  config.distance = 2;
  TrustPolicy two_hops(config);
  two_hops.start(store.lookup());
  EXPECT_EQ(two_hops.check(note_by(4), {}).verdict, Verdict::kAccept);
  EXPECT_EQ(two_hops.check(note_by(5), {}).verdict, Verdict::kReject);

  config.kinds = {1};
  TrustPolicy notes_only(config);
  EXPECT_EQ(notes_only.check(note_by(9, 7), {}).verdict, Verdict::kAccept) << "kind 7 is not restricted";
}

TEST(TrustPolicy, HoldsInsteadOfRefusingWhenAskedAndThePipelineCountsIt) {
  FakeFollowLists store;
  store.put(follow_list(1, {2}));
  TrustConfig config;
  config.seeds = {key(1)};
  config.hold = true;
  auto pipeline = std::make_shared<Pipeline>();
  pipeline->add(std::make_unique<TrustPolicy>(config));
  pipeline->start(store.lookup());
  EXPECT_EQ(pipeline->evaluate(note_by(2), {}).verdict, Verdict::kAccept);
  auto held = pipeline->evaluate(note_by(7), {});
  EXPECT_EQ(held.verdict, Verdict::kHold);
  EXPECT_EQ(held.reason, "untrusted");
  // What a relay that cannot hold answers instead.
  EXPECT_TRUE(held.message.starts_with("restricted: "));
  EXPECT_EQ(pipeline->counts()["trust/hold/untrusted"], 1u);
}

TEST(TrustPolicy, AStoredFollowListOfASeedRebuildsTheGraph) {
  FakeFollowLists store;
  TrustConfig config;
  config.seeds = {key(1)};
  TrustPolicy policy(config);
  policy.start(store.lookup());
  EXPECT_EQ(policy.check(note_by(6), {}).verdict, Verdict::kReject);
  auto stranger_list = follow_list(8, {6});
  store.put(stranger_list);
  policy.stored(stranger_list);  // not a seed: nothing to rebuild
  auto seed_list = follow_list(1, {6});
  store.put(seed_list);
  policy.stored(seed_list);
  for (int i = 0; i < 500 && policy.rebuilds() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(policy.rebuilds(), 1u);
  EXPECT_EQ(policy.check(note_by(6), {}).verdict, Verdict::kAccept);
}

TEST(DecisionLog, LogsTheFirstFewPerMinuteAndSumsUpTheRest) {
  std::vector<std::string> lines;
  DecisionLog log(2, [&](std::string_view line) { lines.emplace_back(line); });
  auto t0 = DecisionLog::Clock::now();
  for (int i = 0; i < 5; ++i) log.note("pow/reject/difficulty", "ab", "pow: too little\nwork", t0);
  log.note("kinds/reject/kind", "cd", "blocked: kind 7", t0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "pleb: policy pow/reject/difficulty: event ab \"pow: too little work\"");
  log.note("pow/reject/difficulty", "ef", "", t0 + std::chrono::seconds(61));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[3], "pleb: policy pow/reject/difficulty: 3 more in the last minute were not logged");
  EXPECT_EQ(lines[4], "pleb: policy pow/reject/difficulty: event ef");
}

}  // namespace
}  // namespace pleb::processor

namespace pleb::processor {
namespace {

TEST(TrustPolicy, AtDistanceTwoAFollowedAuthorsListExtendsTheGraph) {
  FakeFollowLists store;
  store.put(follow_list(1, {2}));
  TrustConfig config;
  config.seeds = {key(1)};
  config.distance = 2;
  TrustPolicy policy(config);
  policy.start(store.lookup());
  EXPECT_EQ(policy.check(note_by(3), {}).verdict, Verdict::kReject);
  auto friends_list = follow_list(2, {3});
  store.put(friends_list);
  policy.stored(friends_list);
  for (int i = 0; i < 500 && policy.rebuilds() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(policy.check(note_by(3), {}).verdict, Verdict::kAccept);
}

}  // namespace
}  // namespace pleb::processor
