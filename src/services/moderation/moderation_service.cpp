#include "services/moderation/moderation_service.hpp"

#include <chrono>
#include <future>
#include <iostream>

#include "nostr/bytes.hpp"
#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "services/keyset_cursor.hpp"

namespace pleb::moderation {
namespace {

// The writer answers within a batch; this only bounds a stuck one.
constexpr auto kAdmitTimeout = std::chrono::seconds(10);
// Bounds one sweep, so a long queue is admitted over several.
constexpr std::size_t kDueBatch = 100;
constexpr std::string_view kNoAnswer = "the relay did not answer in time";

// Cursor: the held_at and id of the last event of the previous page.
std::string encode_cursor(const HeldEvent& last) {
  return services::encode_keyset_cursor(last.held_at, last.id);
}

std::optional<HeldStore::Position> decode_cursor(std::string_view cursor) {
  auto position = services::decode_keyset_cursor(cursor);
  if (!position) return std::nullopt;
  return HeldStore::Position{position->time, position->key};
}

bool written_answer_is_final(std::string_view message) {
  return !message.empty() && !message.starts_with("error:") && !message.starts_with("rate-limited:") &&
         message != kNoAnswer;
}

}  // namespace

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ModerationService::ModerationService(store::ServiceDb& db, ModerationConfig config)
    : store_(db), config_(config) {}

void ModerationService::set_admitter(Admitter admitter) {
  std::lock_guard lock(admitter_mutex_);
  admitter_ = std::move(admitter);
}

std::string ModerationService::hold(const nostr::Event& event, std::string_view reason) {
  try {
    if (store_.find(event.id)) return {};  // held before (or decided): the same answer again
    if (store_.waiting() >= config_.max_held) {
      std::cerr << "pleb: moderation queue full (" << config_.max_held << " events waiting); refused "
                << nostr::to_hex(event.id) << "\n";
      return "rate-limited: the moderation queue is full; try again later";
    }
    store_.insert(event, nostr::to_json(event), reason, unix_seconds());
    return {};
  } catch (const store::ServiceDbError& error) {
    std::cerr << "pleb: could not hold " << nostr::to_hex(event.id) << " for moderation: " << error.what()
              << "\n";
    return "error: the event could not be held for moderation; try again later";
  }
}

std::optional<HeldPage> ModerationService::list(std::size_t limit, std::string_view cursor, Result& problem) {
  std::optional<HeldStore::Position> after;
  if (!cursor.empty()) {
    after = decode_cursor(cursor);
    if (!after) {
      problem = {Outcome::kInvalid, "invalid cursor"};
      return std::nullopt;
    }
  }
  // One more than asked tells whether a next page exists.
  auto events = store_.waiting_after(after, limit + 1);
  HeldPage page;
  if (events.size() > limit) {
    events.resize(limit);
    page.next_cursor = encode_cursor(events.back());
  }
  page.events = std::move(events);
  return page;
}

Result ModerationService::approve(const nostr::Bytes32& id) {
  auto held = store_.find(id);
  if (!held) return {Outcome::kNotFound, "no held event with this id"};
  if (held->status != HeldStatus::kHeld) return {Outcome::kDecided, "this event was already decided"};
  // Claiming it first means two moderators (or a moderator and the sweeper) never admit it twice.
  if (!store_.decide(id, HeldStatus::kApproved, unix_seconds())) {
    return {Outcome::kDecided, "this event was already decided"};
  }
  return admit(*held);
}

Result ModerationService::reject(const nostr::Bytes32& id) {
  auto held = store_.find(id);
  if (!held) return {Outcome::kNotFound, "no held event with this id"};
  if (!store_.decide(id, HeldStatus::kRejected, unix_seconds())) {
    return {Outcome::kDecided, "this event was already decided"};
  }
  return {};
}

std::vector<HeldEvent> ModerationService::due(std::int64_t now, std::int64_t admit_after) {
  return store_.due(now - admit_after, kDueBatch);
}

std::size_t ModerationService::admit_due(std::int64_t now, std::int64_t admit_after) {
  std::size_t admitted = 0;
  for (const auto& held : due(now, admit_after)) {
    if (!store_.decide(held.id, HeldStatus::kApproved, now)) continue;  // a moderator was quicker
    if (admit(held).outcome == Outcome::kDone) ++admitted;
  }
  return admitted;
}

Result ModerationService::admit(const HeldEvent& held) {
  Admitter admitter;
  {
    std::lock_guard lock(admitter_mutex_);
    admitter = admitter_;
  }
  auto event = nostr::parse_event(held.json);
  if (!admitter || !event) {
    store_.reopen(held.id);
    return {Outcome::kUnavailable, "the relay cannot take the event now; it waits again"};
  }
  auto outcome = std::make_shared<std::promise<std::pair<bool, std::string>>>();
  auto answer = outcome->get_future();
  admitter(std::move(*event), [outcome](bool ok, std::string message) {
    outcome->set_value({ok, std::move(message)});
  });
  bool written = false;
  std::string message(kNoAnswer);
  if (answer.wait_for(kAdmitTimeout) == std::future_status::ready) {
    std::tie(written, message) = answer.get();
  }
  // A duplicate is already stored: what the approval wanted.
  if (written || message.starts_with("duplicate:")) return {};
  std::cerr << "pleb: approved event " << nostr::to_hex(held.id) << " was not written: " << message << "\n";
  // Only a failure that may pass (the store's error:, no answer) is worth another try; an event deleted
  // or expired while it waited would be refused on every sweep.
  if (written_answer_is_final(message)) {
    std::string detail = "the relay refused the event: ";
    detail.append(message);
    return {Outcome::kRefused, std::move(detail)};
  }
  store_.reopen(held.id);
  std::string detail = "the event could not be written (";
  detail.append(message).append("); it waits again");
  return {Outcome::kUnavailable, std::move(detail)};
}

}  // namespace pleb::moderation
