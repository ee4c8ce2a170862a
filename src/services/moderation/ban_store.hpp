#pragma once
// The moderators' bans in the service database: what the ban service keeps, and nothing else.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nostr/bytes.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::moderation {

enum class BanType { kPubkey, kEvent, kAddress };
std::string_view ban_type_name(BanType type);  // "pubkey", "event", "address"
std::optional<BanType> ban_type_from_name(std::string_view name);

struct Ban {
  BanType type = BanType::kPubkey;
  std::string value;    // canonical: 64 lowercase hex characters, or the address as the relay writes it
  bool shadow = false;  // pubkeys only
  std::string reason;
  nostr::Bytes32 banned_by{};  // the moderator
  std::int64_t banned_at = 0;
  // Pubkeys only: the author's stored events are taken down too, and again whenever some are found.
  bool purge = false;
};

// The fixed-size key a ban pages by: SHA-256 of "type:value".
nostr::Bytes32 ban_key(BanType type, std::string_view value);

class BanStore {
 public:
  // Migrates the database's moderation schema.
  explicit BanStore(store::ServiceDb& db);

  // False when the same type and value is banned already.
  bool insert(const Ban& ban);
  // The ban removed, or nullopt when there was none.
  std::optional<Ban> remove(BanType type, const std::string& value);

  struct Position {
    std::int64_t banned_at = 0;
    nostr::Bytes32 key{};
  };
  // Bans in the order they were made, after `after` (nullopt: from the start), of one type or all.
  std::vector<Ban> after(const std::optional<Position>& after, std::optional<BanType> type,
                         std::size_t limit);

 private:
  store::ServiceDb& db_;
};

}  // namespace pleb::moderation
