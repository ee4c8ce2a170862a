#pragma once
// Bans made by moderators while the relay runs: authors (optionally shadow-banned), event ids and source
// addresses, kept in the service database and told to a listener on every change (the wiring applies them
// to the relay's write policy, or publishes them on the bus for the processors). Transport-free; the
// routes (ban_routes.hpp) translate HTTP to these calls. Thread-safe: every call is a ServiceDb query.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/moderation/ban_store.hpp"

namespace pleb::moderation {

inline constexpr std::size_t kDefaultBanPage = 50;
inline constexpr std::size_t kMaxBanPage = 200;
inline constexpr std::size_t kMaxBanReason = 500;  // bytes

struct BanChange {
  bool banned = true;  // false: lifted
  Ban ban;
};
// Called after the change is committed, on the caller's thread. What it throws is dropped.
using BanListener = std::function<void(const BanChange& change)>;

struct BanPage {
  std::vector<Ban> bans;
  std::optional<std::string> next_cursor;  // absent on the last page
};

// The canonical form of a value as typed, or nullopt with the reason in `problem`: pubkeys as 64 lowercase
// hex characters or an npub, event ids as hex or a note, addresses as IPv4 or IPv6 (written as the relay
// writes a connection's address).
std::optional<std::string> canonical_ban_value(BanType type, std::string_view text, std::string& problem);

class BanService {
 public:
  // Migrates the moderation schema.
  explicit BanService(store::ServiceDb& db, BanListener listener = {});

  // `ban.value` must be canonical. Sets banned_at; false when the same type and value is banned already.
  bool add(Ban& ban);
  // False when there was no such ban.
  bool remove(BanType type, const std::string& value);
  // Bans in the order they were made; `cursor` from the previous page ("" for the first); nullopt with
  // `problem` for a bad cursor.
  std::optional<BanPage> list(std::size_t limit, std::string_view cursor, std::optional<BanType> type,
                              std::string& problem);
  // Every ban (bounded by `max`), for a process that loads the whole list.
  std::vector<Ban> all(std::size_t max = 1000000);

 private:
  void tell(const BanChange& change) const;

  BanStore store_;
  BanListener listener_;
};

}  // namespace pleb::moderation
