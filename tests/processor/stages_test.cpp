#include <gtest/gtest.h>

#include "nostr/json_writer.hpp"
#include "processor/policy_config.hpp"
#include "processor/stages.hpp"

namespace pleb::processor {
namespace {

nostr::Event event_of(std::uint32_t kind, std::uint8_t first_id_byte = 0xff) {
  nostr::Event e;
  e.kind = kind;
  e.id.fill(0x11);
  e.id[0] = first_id_byte;
  e.pubkey.fill(0x22);
  return e;
}

TEST(KindPolicy, DenyWinsAndAnAllowListExcludesTheRest) {
  KindPolicy policy({1, 7}, {7});
  EXPECT_EQ(policy.check(event_of(1), {}).verdict, Verdict::kAccept);
  auto denied = policy.check(event_of(7), {});
  EXPECT_EQ(denied.verdict, Verdict::kReject);
  EXPECT_EQ(denied.message, "blocked: kind 7 is not accepted by this relay");
  EXPECT_EQ(policy.check(event_of(30023), {}).message, "blocked: kind 30023 is not accepted by this relay");
}

TEST(PowPolicy, CountsLeadingZeroBitsAndHonoursPerKindAndCommittedTargets) {
  PowPolicy policy(8, {{0, 0}, {7, 12}});
  EXPECT_EQ(policy.check(event_of(1, 0x01), {}).message, "pow: difficulty 7 is less than 8");
  EXPECT_EQ(policy.check(event_of(1, 0x00), {}).verdict, Verdict::kAccept);  // 8 zero bits, then 0x11
  EXPECT_EQ(policy.check(event_of(0, 0xff), {}).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(event_of(7, 0x00), {}).message, "pow: difficulty 11 is less than 12");
  auto committed_low = event_of(1, 0x00);
  committed_low.tags = {{"nonce", "5", "4"}};
  EXPECT_EQ(policy.check(committed_low, {}).message, "pow: committed target 4 is less than 8");
}

TEST(BanPolicy, BansAndShadowBans) {
  BanPolicy::Lists lists;
  auto banned = event_of(1);
  lists.pubkeys.insert(banned.pubkey);
  BanPolicy policy(lists);
  EXPECT_EQ(policy.check(banned, {}).message, "blocked: this author is banned from this relay");
  auto other = event_of(1);
  other.pubkey.fill(0x33);
  EXPECT_EQ(policy.check(other, {}).verdict, Verdict::kAccept);
  EventSource from_banned_address;
  from_banned_address.info = "10.1.2.3";
  BanPolicy::Lists by_address;
  by_address.addresses.insert("10.1.2.3");
  EXPECT_EQ(BanPolicy(by_address).check(other, from_banned_address).message,
            "blocked: this address is banned from this relay");
  BanPolicy::Lists shadow;
  shadow.shadow_pubkeys.insert(other.pubkey);
  EXPECT_EQ(BanPolicy(shadow).check(other, {}).verdict, Verdict::kShadowReject);
}

TEST(Pipeline, FirstNonAcceptingStageDecidesAndDecisionsAreCounted) {
  PolicyConfig config;
  config.kinds_deny = {7};
  config.min_pow_difficulty = 4;
  auto pipeline = build_pipeline(config);
  EXPECT_EQ(pipeline->size(), 3u);
  EXPECT_EQ(pipeline->evaluate(event_of(7, 0x00), {}).message,
            "blocked: kind 7 is not accepted by this relay");
  EXPECT_EQ(pipeline->evaluate(event_of(1, 0xff), {}).message, "pow: difficulty 0 is less than 4");
  EXPECT_EQ(pipeline->evaluate(event_of(1, 0x00), {}).verdict, Verdict::kAccept);
  auto counts = pipeline->counts();
  EXPECT_EQ(counts["kinds/reject/kind"], 1u);
  EXPECT_EQ(counts["pow/reject/difficulty"], 1u);
  EXPECT_EQ(counts["pipeline/accept"], 1u);
}

}  // namespace
}  // namespace pleb::processor

namespace pleb::processor {
namespace {

TEST(RateLimitPolicy, PerAuthorBucketsPerKindRangeRefillOverTime) {
  RateRule profiles{{{0, 0}, {3, 3}}, 2, 60};
  RateRule overall{{}, 3, 3600};
  RateLimitPolicy policy({profiles, overall});
  EventSource at;
  at.now = 1000;
  auto kind0 = event_of(0);
  EXPECT_EQ(policy.check(kind0, at).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(kind0, at).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(kind0, at).message, "rate-limited: at most 2 events of kinds 0, 3 per 60 seconds");
  auto other_author = event_of(0);
  other_author.pubkey.fill(0x44);
  EXPECT_EQ(policy.check(other_author, at).verdict, Verdict::kAccept);  // buckets are per author
  EXPECT_EQ(policy.check(event_of(1), at).verdict, Verdict::kAccept);   // third of the overall 3
  EXPECT_EQ(policy.check(event_of(1), at).message, "rate-limited: at most 3 events per 3600 seconds");
  at.now += 60;  // kinds 0/3 refill, but the hourly budget is still spent: nothing may pass
  EXPECT_EQ(policy.check(kind0, at).message, "rate-limited: at most 3 events per 3600 seconds");
  at.now += 3600;
  EXPECT_EQ(policy.check(kind0, at).verdict, Verdict::kAccept);
}

TEST(RateLimitPolicy, ARefusalSpendsNothing) {
  RateRule notes{{{1, 1}}, 1, 60};
  RateRule overall{{}, 2, 60};
  RateLimitPolicy policy({notes, overall});
  EventSource at;
  at.now = 50;
  EXPECT_EQ(policy.check(event_of(1), at).verdict, Verdict::kAccept);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(policy.check(event_of(1), at).verdict, Verdict::kReject);
  EXPECT_EQ(policy.check(event_of(7), at).verdict, Verdict::kAccept);  // the overall bucket kept its token
}

}  // namespace
}  // namespace pleb::processor

namespace pleb::processor {
namespace {

TEST(Pipeline, DisabledHasNoStagesAndAReplacedPipelineLogsItsCounts) {
  PolicyConfig off;
  off.enabled = false;
  off.kinds_deny = {7};
  EXPECT_EQ(build_pipeline(off)->size(), 0u);

  std::vector<std::string> lines;
  auto log = std::make_shared<DecisionLog>(1, [&](std::string_view line) { lines.emplace_back(line); });
  {
    auto pipeline = std::make_shared<Pipeline>(log);
    pipeline->add(std::make_unique<KindPolicy>(std::set<std::uint32_t>{}, std::set<std::uint32_t>{7}));
    pipeline->evaluate(event_of(7), {});
    pipeline->evaluate(event_of(7), {});
    pipeline->evaluate(event_of(1), {});
  }
  ASSERT_EQ(lines.size(), 2u);  // one sampled refusal, then the summary
  EXPECT_EQ(lines[0].rfind("pleb: policy kinds/reject/kind: event ff1111", 0), 0u);
  EXPECT_EQ(lines[1], "pleb: policy decisions: kinds/reject/kind=2 pipeline/accept=1");
}

}  // namespace
}  // namespace pleb::processor
