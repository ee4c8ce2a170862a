#pragma once
// NIP-98's "no replay of the same event id" across several API processes: each used id is a Redis key
// set with NX and an expiry at the end of the event's validity window, so whichever process sees a
// signed request first wins and every other refuses it.
#include <memory>
#include <string>

#include "cache/redis/redis_client.hpp"
#include "nostr/nip98.hpp"

namespace pleb::cache {

class RedisReplayMemory final : public nostr::nip98::ReplayMemory {
 public:
  explicit RedisReplayMemory(std::shared_ptr<RedisClient> client, std::string key_prefix = "pleb:nip98:");
  // Unreachable Redis answers kFull: a request is refused rather than risk accepting a replay.
  Use record(const nostr::Bytes32& id, std::int64_t forget_at, std::int64_t now) override;

 private:
  std::shared_ptr<RedisClient> client_;
  std::string prefix_;
};

}  // namespace pleb::cache
