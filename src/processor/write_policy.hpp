#pragma once
// The write-policy pipeline: a chain of named stages, each of which may accept an event, reject it
// (OK false with a NIP-01 prefix), shadow-reject it (OK true, neither stored nor broadcast) or hold it
// for moderators (stored apart, served only once approved). The same
// pipeline runs in `pleb serve` and in `pleb processor`; it knows no socket.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"
#include "processor/decision_log.hpp"

namespace pleb::processor {

enum class Verdict { kAccept, kReject, kShadowReject, kHold };

struct Decision {
  Verdict verdict = Verdict::kAccept;
  // With its NIP-01 prefix for a rejection. For a hold: the refusal to give where nothing can hold events
  // (a scaled-out relay), so a hold is never mistaken for an acceptance.
  std::string message;
  // A short fixed label for counts and logs ("kind", "difficulty", "timeout"). Always a string literal:
  // counting by the message itself would grow without bound (it may hold numbers or a plugin's text).
  std::string_view reason;
  static Decision accept() { return {}; }
  static Decision reject(std::string message, std::string_view reason = {}) {
    return {Verdict::kReject, std::move(message), reason};
  }
  static Decision shadow_reject(std::string_view reason = {}) { return {Verdict::kShadowReject, {}, reason}; }
  static Decision hold(std::string refusal, std::string_view reason = {}) {
    return {Verdict::kHold, std::move(refusal), reason};
  }
};

// Where an event came from, as strfry's plugins see it.
struct EventSource {
  std::string type = "IP4";  // IP4, IP6, Import, Stream, Sync
  std::string info;          // the address for IP4/IP6
  std::optional<nostr::Bytes32> authed_pubkey;
  std::int64_t now = 0;
};

// What stages may read from the event store without knowing it: the newest event of an author and kind.
using LatestEventLookup =
    std::function<std::optional<nostr::Event>(const nostr::Bytes32& author, std::uint32_t kind)>;

using DecisionCallback = std::function<void(Decision)>;

class WritePolicy {
 public:
  virtual ~WritePolicy() = default;
  virtual std::string_view name() const = 0;
  virtual Decision check(const nostr::Event& event, const EventSource& source) = 0;
  // A stage that waits on something outside the process (a plugin) decides through `done`, later and from
  // another thread, so that no I/O thread waits for it.
  virtual bool asynchronous() const { return false; }
  virtual void check_async(const nostr::Event& event, const EventSource& source, DecisionCallback done) {
    done(check(event, source));
  }
  // For stages that learn from what the relay keeps (the web of trust): each stored event, from the
  // writer's thread. `lookup` reads older stored events; it is given once, before the first event.
  virtual bool observes_stored() const { return false; }
  virtual void start(const LatestEventLookup& /*lookup*/) {}
  virtual void stored(const nostr::Event& /*event*/) {}
};

class Pipeline : public std::enable_shared_from_this<Pipeline> {
 public:
  explicit Pipeline(std::shared_ptr<DecisionLog> log = nullptr) : log_(std::move(log)) {}
  // Logs the counts it gathered (at shutdown, or when a reload replaces it), so none are lost.
  ~Pipeline();
  void add(std::unique_ptr<WritePolicy> stage);
  std::size_t size() const { return stages_.size(); }

  // Runs the stages in order; the first that does not accept decides. Thread-safe if the stages are.
  // Waits for asynchronous stages: not for I/O threads, which use the overload below.
  Decision evaluate(const nostr::Event& event, const EventSource& source);
  // True when some stage decides asynchronously; then callers that must not block use this overload.
  bool asynchronous() const { return asynchronous_; }
  // Synchronous stages run on the calling thread; `done` runs exactly once, on this thread before the
  // call returns or later on another. `event` must stay valid until `done` runs. Needs a shared_ptr owner.
  void evaluate(const nostr::Event& event, const EventSource& source, DecisionCallback done);

  // Hands stages that want it the store lookup; called once the pipeline is put in force.
  void start(const LatestEventLookup& lookup);
  bool observes_stored() const { return !observers_.empty(); }
  // Tells the observing stages about a stored event; nothing to do for most pipelines.
  void stored(const nostr::Event& event) {
    for (auto* stage : observers_) stage->stored(event);
  }

  // Decisions by "stage/verdict" or "stage/verdict/reason" (for metrics): e.g. "pow/reject/difficulty" -> 12;
  // accepted events count as "pipeline/accept".
  std::map<std::string, std::uint64_t> counts() const;

 private:
  void continue_from(std::size_t index, const nostr::Event& event, const EventSource& source,
                     DecisionCallback done);
  void record(std::string_view stage, const Decision& decision, const nostr::Event& event);

  std::vector<std::unique_ptr<WritePolicy>> stages_;
  std::vector<WritePolicy*> observers_;
  bool asynchronous_ = false;
  std::shared_ptr<DecisionLog> log_;
  std::atomic<std::uint64_t> accepted_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

}  // namespace pleb::processor
