#include "cache/redis/redis_replay_memory.hpp"

#include <algorithm>

#include "nostr/bytes.hpp"

namespace pleb::cache {

RedisReplayMemory::RedisReplayMemory(std::shared_ptr<RedisClient> client, std::string key_prefix)
    : client_(std::move(client)), prefix_(std::move(key_prefix)) {}

nostr::nip98::ReplayMemory::Use RedisReplayMemory::record(const nostr::Bytes32& id, std::int64_t forget_at,
                                                          std::int64_t now) {
  std::string key = prefix_;
  nostr::append_hex(key, id.data(), id.size());
  std::string seconds = std::to_string(std::max<std::int64_t>(1, forget_at - now));
  try {
    // A lost reply retried by the client makes the second SET fail: that refuses a legitimate request
    // once, never accepts a replay.
    auto reply = client_->command({"SET", key, "1", "NX", "EX", seconds});
    if (reply.is_nil()) return Use::kReplay;
    if (reply.is_error()) return Use::kFull;
    return Use::kFirst;
  } catch (const RedisUnavailable&) {
    return Use::kFull;
  }
}

}  // namespace pleb::cache
