#pragma once
// The moderation queue: events the write policy held (web of trust, action "hold") wait here, stored
// but not served, until a moderator approves or rejects them, or, when configured, until they have
// waited long enough and their author has no rejected event. Approval hands the event to an admitter
// (the relay's writer in `pleb serve`), so it is stored and fanned out like any accepted EVENT.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/moderation/held_store.hpp"

namespace pleb::moderation {

inline constexpr std::size_t kDefaultHeldPage = 50;
inline constexpr std::size_t kMaxHeldPage = 200;

struct ModerationConfig {
  std::size_t max_held = 10000;  // waiting events at most; more are refused
};

// Writes an approved event; `done` runs once, on any thread, with the write's outcome.
using AdmitDone = std::function<void(bool ok, std::string message)>;
using Admitter = std::function<void(nostr::Event event, AdmitDone done)>;

struct HeldPage {
  std::vector<HeldEvent> events;
  std::optional<std::string> next_cursor;  // absent on the last page
};

enum class Outcome {
  kDone,
  kNotFound,     // no such held event
  kDecided,      // approved or rejected already
  kInvalid,      // a bad cursor
  kUnavailable,  // the approved event could not be written now; it waits again
  kRefused       // the store refused it for good (deleted or expired meanwhile): decided, never served
};

struct Result {
  Outcome outcome = Outcome::kDone;
  std::string detail;
};

class ModerationService {
 public:
  ModerationService(store::ServiceDb& db, ModerationConfig config);

  // Set once the relay exists, before any approval.
  void set_admitter(Admitter admitter);

  // Empty when the event is kept (or was already), else the refusal with its NIP-01 prefix.
  std::string hold(const nostr::Event& event, std::string_view reason);
  // Waiting events, oldest first; `cursor` from the previous page ("" for the first).
  std::optional<HeldPage> list(std::size_t limit, std::string_view cursor, Result& problem);
  // Hands the event to the admitter and waits for the write (bounded).
  Result approve(const nostr::Bytes32& id);
  Result reject(const nostr::Bytes32& id);
  // Waiting events held at least `admit_after` seconds before `now` whose author has no rejected event.
  std::vector<HeldEvent> due(std::int64_t now, std::int64_t admit_after);
  // Approves the due events; returns how many were admitted.
  std::size_t admit_due(std::int64_t now, std::int64_t admit_after);

 private:
  Result admit(const HeldEvent& held);

  HeldStore store_;
  ModerationConfig config_;
  std::mutex admitter_mutex_;
  Admitter admitter_;
};

std::int64_t unix_seconds();

}  // namespace pleb::moderation
