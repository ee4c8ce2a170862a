#pragma once
// The write-policy pipeline: a chain of named stages, each of which may accept an event, reject it
// (OK false with a NIP-01 prefix) or shadow-reject it (OK true, neither stored nor broadcast). The same
// pipeline runs in `pleb serve` and in `pleb processor`; it knows no socket.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"

namespace pleb::processor {

enum class Verdict { kAccept, kReject, kShadowReject };

struct Decision {
  Verdict verdict = Verdict::kAccept;
  std::string message;  // with its NIP-01 prefix for a rejection
  static Decision accept() { return {}; }
  static Decision reject(std::string message) { return {Verdict::kReject, std::move(message)}; }
  static Decision shadow_reject() { return {Verdict::kShadowReject, {}}; }
};

// Where an event came from, as strfry's plugins see it.
struct EventSource {
  std::string type = "IP4";  // IP4, IP6, Import, Stream, Sync
  std::string info;          // the address for IP4/IP6
  std::optional<nostr::Bytes32> authed_pubkey;
  std::int64_t now = 0;
};

class WritePolicy {
 public:
  virtual ~WritePolicy() = default;
  virtual std::string_view name() const = 0;
  virtual Decision check(const nostr::Event& event, const EventSource& source) = 0;
};

class Pipeline {
 public:
  void add(std::unique_ptr<WritePolicy> stage) { stages_.push_back(std::move(stage)); }
  // Runs the stages in order; the first that does not accept decides. Thread-safe if the stages are.
  Decision evaluate(const nostr::Event& event, const EventSource& source);
  std::size_t size() const { return stages_.size(); }

  // Decisions by "stage/verdict" (for metrics): e.g. "pow/reject" -> 12.
  std::map<std::string, std::uint64_t> counts() const;

 private:
  void count(std::string_view stage, Verdict verdict);
  std::vector<std::unique_ptr<WritePolicy>> stages_;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;
};

}  // namespace pleb::processor
