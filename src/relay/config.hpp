#pragma once
// Everything an operator can tune about the relay; every limit here is advertised in NIP-11.
#include <cstdint>
#include <string>
#include <vector>

#include "cache/rate_limiter.hpp"
#include "nostr/message.hpp"

namespace pleb::relay {

struct RelayInfo {
  std::string name = "Pleb.One relay";
  std::string description = "A community-owned Nostr relay";
  std::string pubkey;  // operator's hex pubkey
  std::string contact;
  std::string icon;
  std::string relay_url;  // e.g. wss://relay.example.com; NIP-42 checks the AUTH relay tag against it
};

struct RelayLimits {
  nostr::MessageLimits message;        // per-message: filters per REQ, subscription id length, event limits
  std::size_t max_subscriptions = 50;  // per connection
  std::uint64_t max_limit = 5000;      // cap on a filter's limit
  std::uint64_t default_limit = 500;   // for a filter without one
  std::int64_t created_at_past_seconds = 0;      // 0: any age accepted
  std::int64_t created_at_future_seconds = 900;  // events dated further ahead are refused
  // Scraping protection for "broad" filters, those naming no ids, authors or tag values (global feeds):
  // their limit is capped at this many events (0: only max_limit applies) ...
  std::uint64_t broad_filter_max_limit = 0;
  // ... and paging back with `until` further than this many seconds into the past is refused
  // (0: any age). Selective filters are never affected.
  std::int64_t broad_filter_max_age_seconds = 0;
};

struct RelayConfig {
  RelayInfo info;
  RelayLimits limits;
  bool auth_required_for_writes = false;
  bool auth_required_for_reads = false;
  // Kinds served only to their authenticated author or a p-tagged recipient (NIP-04 DMs, NIP-59 gift wraps).
  std::vector<std::uint32_t> restricted_read_kinds = {4, 1059};
  std::size_t max_message_bytes = 512 * 1024;        // mirrored from the server options, for NIP-11
  std::size_t max_outgoing_bytes = 8 * 1024 * 1024;  // mirrored from the server options, for query pacing
  std::string version = "0.1.0";
  int min_pow_difficulty = 0;  // mirrored from [policy], for NIP-11
  // Token buckets for EVENTs ([limits.events]): per connection, per IP and global are taken before the
  // signature check (they protect the CPU), per pubkey after it (so nobody can spend another author's
  // tokens with forged events). Unset levels are not limited. Shared across relay processes when the
  // limiter is Redis.
  cache::RequestLimits event_limits;
};

}  // namespace pleb::relay
