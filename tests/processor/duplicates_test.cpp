#include <gtest/gtest.h>

#include "processor/content_fingerprint.hpp"
#include "processor/duplicates.hpp"

namespace pleb::processor {
namespace {

nostr::Event note_by(std::uint8_t author, std::string content, std::uint32_t kind = 1) {
  nostr::Event e;
  e.kind = kind;
  e.pubkey.fill(author);
  e.content = std::move(content);
  return e;
}

EventSource at(std::int64_t now) {
  EventSource source;
  source.now = now;
  return source;
}

TEST(ContentFingerprint, NormalisesCasePunctuationSpacingAndDigits) {
  auto a = fingerprint("Free sats at https://spam.example/claim?ref=123 !!", 2);
  auto b = fingerprint("free   SATS at https://spam.example/claim?ref=987", 2);
  EXPECT_EQ(a.exact, b.exact);
  EXPECT_EQ(a.words, 9u);  // free sats at https spam example claim ref 000
  EXPECT_EQ(a.exact, fingerprint("free sats at https://spam.example/claim?ref=5", 2).exact)
      << "digit runs fold to one 0";
  EXPECT_NE(a.exact, fingerprint("free sats at https://other.example/claim?ref=1", 2).exact);
}

TEST(ContentFingerprint, SimilarityFollowsSharedShingles) {
  std::string base =
      "the quick brown fox jumps over the lazy dog while the cat sleeps by the warm fire tonight";
  auto original = fingerprint(base, 2);
  auto one_word_changed = fingerprint(base + " xq7zk", 2);
  auto unrelated = fingerprint("completely different words about relays and keys and signatures here", 2);
  EXPECT_GE(estimated_similarity(original.minhash, one_word_changed.minhash), 0.75);
  EXPECT_LE(estimated_similarity(original.minhash, unrelated.minhash), 0.2);
  EXPECT_EQ(estimated_similarity(original.minhash, original.minhash), 1.0);
}

TEST(DuplicatePolicy, TheAuthorPastTheLimitIsRefusedForExactAndSimilarText) {
  DuplicateConfig config;
  config.max_authors = 2;
  DuplicatePolicy policy(config);
  std::string spam = "claim your free bitcoin now at the best airdrop site on nostr today";
  EXPECT_EQ(policy.check(note_by(1, spam), at(100)).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(note_by(1, spam), at(100)).verdict, Verdict::kAccept)
      << "one author repeating is not spread";
  EXPECT_EQ(policy.check(note_by(2, spam + "!"), at(101)).verdict, Verdict::kAccept);
  auto third = policy.check(note_by(3, "CLAIM your free bitcoin now at the best airdrop site on nostr today"),
                            at(102));
  EXPECT_EQ(third.verdict, Verdict::kReject);
  EXPECT_EQ(third.message, "blocked: the same text was posted by at least 2 other authors recently");
  EXPECT_EQ(third.reason, "duplicate");
  auto similar = policy.check(note_by(4, spam + " zq8wx"), at(103));
  EXPECT_EQ(similar.verdict, Verdict::kReject);
  EXPECT_EQ(similar.reason, "similar");
  EXPECT_EQ(
      policy.check(note_by(5, "an entirely different note about my garden and tomatoes this year"), at(104))
          .verdict,
      Verdict::kAccept);
}

TEST(DuplicatePolicy, WindowExemptionsShortNotesKindsAndShadowMode) {
  DuplicateConfig config;
  config.max_authors = 1;
  config.window_seconds = 60;
  config.exempt.insert(note_by(9, "").pubkey);
  config.shadow = true;
  DuplicatePolicy policy(config);
  std::string text = "same words posted by many different authors in a row";
  EXPECT_EQ(policy.check(note_by(1, text), at(0)).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(note_by(2, text), at(10)).verdict, Verdict::kShadowReject);
  EXPECT_EQ(policy.check(note_by(9, text), at(11)).verdict, Verdict::kAccept) << "exempt";
  EXPECT_EQ(policy.check(note_by(3, text, 30023), at(12)).verdict, Verdict::kAccept) << "kind not compared";
  EXPECT_EQ(policy.check(note_by(4, "gm"), at(13)).verdict, Verdict::kAccept);
  EXPECT_EQ(policy.check(note_by(5, "gm"), at(14)).verdict, Verdict::kAccept) << "too short to compare";
  EXPECT_EQ(policy.check(note_by(6, text), at(200)).verdict, Verdict::kAccept) << "the window has passed";
}

TEST(DuplicatePolicy, MemoryStaysWithinMaxTracked) {
  DuplicateConfig config;
  config.max_tracked = 100;
  config.similarity = 1.0;
  DuplicatePolicy policy(config);
  for (int i = 0; i < 1000; ++i) {
    policy.check(note_by(static_cast<std::uint8_t>(i), "note number " + std::string(1, char('a' + i % 26)) +
                                                           std::to_string(i) + " with enough words here"),
                 at(i));
  }
  EXPECT_LE(policy.tracked(), 100u);
}

}  // namespace
}  // namespace pleb::processor
