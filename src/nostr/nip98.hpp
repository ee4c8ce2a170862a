#pragma once
// NIP-98 HTTP authentication: `Authorization: Nostr <base64 of a signed kind-27235 event>` that names the
// request's absolute URL and method (and the SHA-256 of its body), signed within a minute of now.
// Pure: the caller passes the clock reading, and the replay memory is an interface it owns.
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_set>

#include "nostr/bytes.hpp"
#include "nostr/event.hpp"
#include "nostr/result.hpp"

namespace pleb::nostr::nip98 {

// How far created_at may be from now, either way.
inline constexpr std::int64_t kMaxClockSkewSeconds = 60;

// What the signed event must match.
struct HttpRequestFacts {
  std::string_view url;     // absolute: scheme://host[:port]/path[?query]
  std::string_view method;  // "GET", "POST"...
  std::string_view body;
  std::int64_t now = 0;  // Unix seconds
};

// Remembers the ids of accepted authorization events until they can no longer be replayed (their
// created_at has left the window). Thread-safe. One process keeps them in memory; several processes
// behind a load balancer share an implementation backed by a common store.
class ReplayMemory {
 public:
  enum class Use { kFirst, kReplay, kFull };
  virtual ~ReplayMemory() = default;
  // Records `id` as used until `forget_at` (Unix seconds); kReplay if it is already recorded.
  virtual Use record(const Bytes32& id, std::int64_t forget_at, std::int64_t now) = 0;
};

// The in-process ReplayMemory, bounded: when `capacity` ids are remembered and none has expired, new
// events are refused (kFull) rather than forgetting one early, which would let it be replayed.
class InMemoryReplayMemory final : public ReplayMemory {
 public:
  explicit InMemoryReplayMemory(std::size_t capacity = 100'000) : capacity_(capacity) {}
  Use record(const Bytes32& id, std::int64_t forget_at, std::int64_t now) override;
  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t forget_at;
    Bytes32 id;
    bool operator>(const Entry& other) const { return forget_at > other.forget_at; }
  };
  struct IdHash {
    std::size_t operator()(const Bytes32& id) const;
  };
  void forget_expired(std::int64_t now);

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_set<Bytes32, IdHash> ids_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> by_expiry_;  // soonest first
};

// Decodes and checks an Authorization header's credentials (the text after "Nostr "): base64, strict event
// parsing, kind 27235, created_at within kMaxClockSkewSeconds of now, `u` and `method` tags, `payload` tag
// (required when the body is not empty), id and signature, and finally that the event was not used before
// (when `replay` is given). Returns the event, or the reason it is refused, written for the client.
Result<Event> verify_authorization(std::string_view credentials, const HttpRequestFacts& request,
                                   ReplayMemory* replay);

// The credentials for a signed event: padded base64 of its JSON (what follows "Nostr ").
std::string encode_authorization(const Event& event);

}  // namespace pleb::nostr::nip98
