#include "services/moderation/ban_service.hpp"

#include <arpa/inet.h>

#include <iostream>

#include "nostr/nip19.hpp"
#include "services/keyset_cursor.hpp"
#include "services/moderation/moderation_service.hpp"

namespace pleb::moderation {
namespace {

constexpr std::size_t kLoadPage = 1000;

// Hex as it is, or the NIP-19 form (`prefix`) decoded to hex.
template <typename Decode>
std::optional<std::string> canonical_key(std::string_view text, std::string_view prefix, Decode decode,
                                         std::string_view shape, std::string& problem) {
  if (nostr::parse_hex_lower<32>(text)) return std::string(text);
  if (text.starts_with(prefix)) {
    auto decoded = decode(text);
    if (decoded) return nostr::to_hex(*decoded);
    problem = "invalid ";
    problem.append(prefix.substr(0, prefix.size() - 1)).append(": ").append(decoded.error());
    return std::nullopt;
  }
  problem = shape;
  return std::nullopt;
}

std::optional<std::string> canonical_address(std::string_view text, std::string& problem) {
  std::string address(text);
  char written[INET6_ADDRSTRLEN] = {};
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1 && inet_ntop(AF_INET, &v4, written, sizeof written)) {
    return std::string(written);
  }
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1 && inet_ntop(AF_INET6, &v6, written, sizeof written)) {
    return std::string(written);
  }
  problem = "an address is an IPv4 or IPv6 address, such as 203.0.113.7 or 2001:db8::1";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> canonical_ban_value(BanType type, std::string_view text, std::string& problem) {
  switch (type) {
    case BanType::kPubkey:
      return canonical_key(text, "npub1", nostr::decode_npub,
                           "a pubkey is 64 lowercase hex characters or an npub", problem);
    case BanType::kEvent:
      return canonical_key(text, "note1", nostr::decode_note,
                           "an event id is 64 lowercase hex characters or a note", problem);
    case BanType::kAddress:
      return canonical_address(text, problem);
  }
  return std::nullopt;
}

BanService::BanService(store::ServiceDb& db, BanListener listener)
    : store_(db), listener_(std::move(listener)) {}

void BanService::tell(const BanChange& change) const {
  if (!listener_) return;
  try {
    listener_(change);
  } catch (const std::exception& error) {
    // The ban is in the table either way; processes that re-read it pick it up.
    std::cerr << "pleb: a ban change could not be passed on: " << error.what() << "\n";
  }
}

bool BanService::add(Ban& ban) {
  ban.banned_at = unix_seconds();
  if (!store_.insert(ban)) return false;
  tell({true, ban});
  return true;
}

bool BanService::remove(BanType type, const std::string& value) {
  auto removed = store_.remove(type, value);
  if (!removed) return false;
  tell({false, std::move(*removed)});
  return true;
}

std::optional<BanPage> BanService::list(std::size_t limit, std::string_view cursor,
                                        std::optional<BanType> type, std::string& problem) {
  std::optional<BanStore::Position> after;
  if (!cursor.empty()) {
    auto position = services::decode_keyset_cursor(cursor);
    if (!position) {
      problem = "invalid cursor";
      return std::nullopt;
    }
    after = BanStore::Position{position->time, position->key};
  }
  // One more than asked tells whether a next page exists.
  auto bans = store_.after(after, type, limit + 1);
  BanPage page;
  if (bans.size() > limit) {
    bans.resize(limit);
    const Ban& last = bans.back();
    page.next_cursor = services::encode_keyset_cursor(last.banned_at, ban_key(last.type, last.value));
  }
  page.bans = std::move(bans);
  return page;
}

std::vector<Ban> BanService::all(std::size_t max) {
  std::vector<Ban> bans;
  std::optional<BanStore::Position> after;
  while (bans.size() < max) {
    auto page = store_.after(after, std::nullopt, std::min(kLoadPage, max - bans.size()));
    if (page.empty()) break;
    after = BanStore::Position{page.back().banned_at, ban_key(page.back().type, page.back().value)};
    bool last = page.size() < kLoadPage;
    for (auto& ban : page) bans.push_back(std::move(ban));
    if (last) break;
  }
  return bans;
}

}  // namespace pleb::moderation
