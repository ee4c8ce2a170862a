#pragma once
// The held events in the service database: what the moderation service keeps, and nothing else.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nostr/event.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::moderation {

enum class HeldStatus { kHeld, kApproved, kRejected };

struct HeldEvent {
  nostr::Bytes32 id{};
  nostr::Bytes32 pubkey{};
  std::uint32_t kind = 0;
  std::int64_t created_at = 0;
  std::string json;  // the event as received, signed
  std::string reason;
  std::int64_t held_at = 0;
  HeldStatus status = HeldStatus::kHeld;
};

class HeldStore {
 public:
  // Migrates the database's moderation schema.
  explicit HeldStore(store::ServiceDb& db);

  enum class Insert { kInserted, kAlreadyThere };
  Insert insert(const nostr::Event& event, std::string_view json, std::string_view reason, std::int64_t now);
  std::size_t waiting();
  std::optional<HeldEvent> find(const nostr::Bytes32& id);
  // Moves a waiting event to `status`; false when it is not waiting (unknown or decided already).
  bool decide(const nostr::Bytes32& id, HeldStatus status, std::int64_t now);
  // Puts a decided event back in the queue (an approval whose write failed).
  void reopen(const nostr::Bytes32& id);

  // Waiting events in the order they were held, after the position `after` (nullopt: from the start).
  struct Position {
    std::int64_t held_at = 0;
    nostr::Bytes32 id{};
  };
  std::vector<HeldEvent> waiting_after(const std::optional<Position>& after, std::size_t limit);
  // Waiting events held at or before `held_before` whose author has no rejected event, oldest first.
  std::vector<HeldEvent> due(std::int64_t held_before, std::size_t limit);

 private:
  store::ServiceDb& db_;
};

}  // namespace pleb::moderation
