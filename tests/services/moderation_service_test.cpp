// The moderation queue on both service databases: holding is idempotent and bounded, the queue pages in
// order, decisions happen once, approval goes through the admitter (and a failed write puts the event
// back), and the automatic admission skips authors a moderator rejected.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "nostr/event.hpp"
#include "scratch_db.hpp"
#include "services/moderation/hold_worker.hpp"
#include "services/moderation/moderation_service.hpp"

namespace pleb::moderation {
namespace {

using pleb::testing::Backend;
using pleb::testing::BothDatabases;

nostr::Event note(std::uint8_t author, std::uint8_t serial) {
  // The service keeps what the relay verified; these need no valid signature.
  nostr::Event event;
  event.id.fill(serial);
  event.pubkey.fill(author);
  event.sig.fill(0);
  event.kind = 1;
  event.created_at = 1700000000 + serial;
  event.content = "note";
  return event;
}

class ModerationServiceTest : public BothDatabases {};

TEST_P(ModerationServiceTest, HoldsEachEventOnceAndUpToTheMaximum) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{2});
  EXPECT_EQ(moderation.hold(note(1, 1), "untrusted"), "");
  EXPECT_EQ(moderation.hold(note(1, 1), "untrusted"), "");  // again: kept once
  EXPECT_EQ(moderation.hold(note(1, 2), "untrusted"), "");
  EXPECT_TRUE(moderation.hold(note(1, 3), "untrusted").starts_with("rate-limited: "));

  Result problem;
  auto page = moderation.list(10, "", problem);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].reason, "untrusted");
  EXPECT_EQ(page->events[0].kind, 1u);
  EXPECT_FALSE(page->next_cursor);
  // A decision makes room again.
  EXPECT_EQ(moderation.reject(note(1, 1).id).outcome, Outcome::kDone);
  EXPECT_EQ(moderation.hold(note(1, 3), "untrusted"), "");
}

TEST_P(ModerationServiceTest, PagesThroughTheQueueWithCursors) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{});
  for (std::uint8_t i = 1; i <= 5; ++i) ASSERT_EQ(moderation.hold(note(1, i), "untrusted"), "");
  std::vector<nostr::Bytes32> seen;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    Result problem;
    auto page = moderation.list(2, cursor, problem);
    ASSERT_TRUE(page);
    for (const auto& held : page->events) seen.push_back(held.id);
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  ASSERT_EQ(seen.size(), 5u);
  Result problem;
  EXPECT_FALSE(moderation.list(2, "nonsense", problem));
  EXPECT_EQ(problem.outcome, Outcome::kInvalid);
}

TEST_P(ModerationServiceTest, ApprovesThroughTheAdmitterOnce) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{});
  std::vector<nostr::Event> admitted;
  bool writes_fail = true;
  moderation.set_admitter([&](nostr::Event event, AdmitDone done) {
    if (writes_fail) return done(false, "error: disk full");
    admitted.push_back(std::move(event));
    done(true, "");
  });
  auto event = note(1, 1);
  ASSERT_EQ(moderation.hold(event, "untrusted"), "");

  // A failed write leaves the event waiting.
  EXPECT_EQ(moderation.approve(event.id).outcome, Outcome::kUnavailable);
  Result problem;
  EXPECT_EQ(moderation.list(10, "", problem)->events.size(), 1u);

  writes_fail = false;
  EXPECT_EQ(moderation.approve(event.id).outcome, Outcome::kDone);
  ASSERT_EQ(admitted.size(), 1u);
  EXPECT_EQ(admitted[0].id, event.id);
  EXPECT_EQ(admitted[0].content, "note");
  EXPECT_EQ(moderation.approve(event.id).outcome, Outcome::kDecided);
  EXPECT_EQ(moderation.reject(event.id).outcome, Outcome::kDecided);
  EXPECT_EQ(moderation.approve(note(9, 9).id).outcome, Outcome::kNotFound);
  EXPECT_EQ(moderation.reject(note(9, 9).id).outcome, Outcome::kNotFound);
  EXPECT_TRUE(moderation.list(10, "", problem)->events.empty());
  // Holding it again after the decision does not queue it again.
  EXPECT_EQ(moderation.hold(event, "untrusted"), "");
  EXPECT_TRUE(moderation.list(10, "", problem)->events.empty());
}

TEST_P(ModerationServiceTest, AnEventTheStoreRefusesForGoodIsDecidedNotRetried) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{});
  int attempts = 0;
  moderation.set_admitter([&](nostr::Event, AdmitDone done) {
    ++attempts;
    done(false, "blocked: this event was deleted");
  });
  ASSERT_EQ(moderation.hold(note(1, 1), "untrusted"), "");
  auto refused = moderation.approve(note(1, 1).id);
  EXPECT_EQ(refused.outcome, Outcome::kRefused);
  EXPECT_NE(refused.detail.find("blocked: this event was deleted"), std::string::npos);
  EXPECT_EQ(moderation.approve(note(1, 1).id).outcome, Outcome::kDecided);
  ASSERT_EQ(moderation.hold(note(1, 2), "untrusted"), "");
  EXPECT_EQ(moderation.admit_due(unix_seconds() + 10, 5), 0u);
  EXPECT_EQ(moderation.admit_due(unix_seconds() + 10, 5), 0u);
  EXPECT_EQ(attempts, 2);  // once each, never again
}

TEST_P(ModerationServiceTest, AdmitsDueEventsExceptFromRejectedAuthors) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{});
  std::vector<nostr::Bytes32> admitted;
  moderation.set_admitter([&](nostr::Event event, AdmitDone done) {
    admitted.push_back(event.id);
    done(true, "");
  });
  ASSERT_EQ(moderation.hold(note(1, 1), "untrusted"), "");
  ASSERT_EQ(moderation.hold(note(2, 2), "untrusted"), "");
  ASSERT_EQ(moderation.hold(note(2, 3), "untrusted"), "");
  ASSERT_EQ(moderation.reject(note(2, 2).id).outcome, Outcome::kDone);

  std::int64_t now = unix_seconds();
  EXPECT_TRUE(moderation.due(now, 3600).empty());  // nothing waited an hour
  auto due = moderation.due(now + 10, 5);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, note(1, 1).id);
  EXPECT_EQ(moderation.admit_due(now + 10, 5), 1u);
  ASSERT_EQ(admitted.size(), 1u);
  EXPECT_EQ(admitted[0], note(1, 1).id);
  EXPECT_EQ(moderation.admit_due(now + 10, 5), 0u);
  // The rejected author's other event still waits for a moderator.
  Result problem;
  auto page = moderation.list(10, "", problem);
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].id, note(2, 3).id);
}

// Holds leave the I/O threads: the worker writes them in order and answers each once, refuses at once
// past its bound, and on stop answers what waits and refuses what comes later.
TEST_P(ModerationServiceTest, TheHoldWorkerWritesInOrderAndAnswersEachOnce) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{3});
  std::mutex mutex;
  std::vector<std::pair<int, std::string>> answers;
  auto done = [&](int n) {
    return [&, n](std::string refusal) {
      std::lock_guard lock(mutex);
      answers.emplace_back(n, std::move(refusal));
    };
  };
  {
    HoldWorker worker(moderation, 1000);
    for (int i = 1; i <= 5; ++i) worker.hold(note(1, static_cast<std::uint8_t>(i)), "untrusted", done(i));
    worker.stop();
    worker.hold(note(1, 9), "untrusted", done(9));  // after stop: refused at once
  }
  ASSERT_EQ(answers.size(), 6u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(answers[i], std::make_pair(i + 1, std::string()));
  EXPECT_TRUE(answers[3].second.starts_with("rate-limited: the moderation queue is full"));  // max_held 3
  EXPECT_EQ(answers[5].first, 9);
  EXPECT_EQ(answers[5].second, "error: the relay is shutting down; try again later");
  Result problem;
  EXPECT_EQ(moderation.list(10, "", problem)->events.size(), 3u);
}

TEST_P(ModerationServiceTest, TheHoldWorkerRefusesPastItsBound) {
  auto db = scratch().open();
  ModerationService moderation(*db, ModerationConfig{100});
  std::atomic<int> kept{0}, refused{0};
  {
    HoldWorker worker(moderation, 1);
    // However the worker keeps up, at most one waits: of many at once some may be refused, and each
    // is answered exactly once.
    for (int i = 1; i <= 50; ++i) {
      worker.hold(note(2, static_cast<std::uint8_t>(i)), "untrusted", [&](std::string refusal) {
        if (refusal.empty()) {
          ++kept;
        } else {
          EXPECT_EQ(refusal, "rate-limited: too many events wait to be held for moderation; try again later");
          ++refused;
        }
      });
    }
  }
  EXPECT_EQ(kept + refused, 50);
  EXPECT_GE(kept.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModerationServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         pleb::testing::backend_name);

}  // namespace
}  // namespace pleb::moderation
