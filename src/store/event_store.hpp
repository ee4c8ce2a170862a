#pragma once
// The EventStore interface: what the relay needs from storage, whatever the engine underneath
// (LMDB embedded, PostgreSQL for scale-out). Semantics are NIP-01/09/40 and shared by all engines;
// one conformance suite (tests/store) runs against every implementation.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace pleb::store {

enum class WriteStatus {
  kStored,      // committed; OK true
  kDuplicate,   // same id already stored; OK false "duplicate: ..."
  kSuperseded,  // a newer replaceable/addressable version is stored; OK false "duplicate: ..."
  kDeleted,     // deleted earlier by its author (NIP-09); OK false "blocked: ..."
  kExpired,     // NIP-40 expiration already passed; OK false "invalid: ..."
  kError,       // storage failed; OK false "error: ..."
};

struct WriteResult {
  WriteStatus status = WriteStatus::kError;
  std::string message;  // the full NIP-01 OK message, prefix included ("duplicate: already have this event")
  bool ok() const { return status == WriteStatus::kStored; }
};

// The OK message every engine uses for a status, so clients see one wording whatever the storage.
std::string_view default_message(WriteStatus status);
WriteResult make_result(WriteStatus status);
// kError with "error: <detail>".
WriteResult error_result(std::string_view detail);

// Limits for parsing stored JSON back: every engine wrote it from a valid event, so none of the
// client-facing limits (which an operator may have lowered since) apply.
const nostr::EventLimits& stored_event_limits();

// One stored event as the relay sends it: the JSON text, ready for ["EVENT",sub,<json>].
struct StoredEvent {
  nostr::Event event;
  std::string json;
};

// Stops a query early: the callback returns false once the subscriber has enough or went away.
// The StoredEvent is only valid during the call; engines reuse its buffers.
using EventSink = std::function<bool(const StoredEvent&)>;

// What a query did, for tests, metrics and slow-query logs. `plan` is engine-specific text.
struct QueryStats {
  std::string plan;            // e.g. "pubkey_kind[2]; created_at" (one entry per filter)
  std::uint64_t examined = 0;  // index entries or rows looked at
  std::uint64_t delivered = 0;
  std::uint64_t steps = 0;
};

// A query that runs in slices so a scan over the whole history does not hold up other clients.
class QueryCursor {
 public:
  virtual ~QueryCursor() = default;
  // Delivers matching events newest first (per filter, honouring each filter's limit, with no event
  // delivered twice across the filters), until `budget` is spent. Returns true when the query is
  // complete (EOSE may be sent), false when it yielded and step() must be called again.
  // An event sent for one filter still counts towards the limit of every other filter it matches.
  // Each step does a little work even with a zero budget, so a query always finishes.
  // Events whose NIP-40 expiration is at or before the query's `now` are never delivered.
  // Throws std::runtime_error when storage fails (answer CLOSED "error: ...").
  // A cursor may be stepped from any thread, one thread at a time.
  virtual bool step(std::chrono::microseconds budget, const EventSink& sink) = 0;
  // Called from inside the sink: the running step() returns false after the current event, and the next
  // step() resumes after it. For consumers whose output buffer is full (a slow reader). Engines that
  // cannot pause may ignore it; the step then runs to its budget.
  virtual void pause() {}
  virtual QueryStats stats() const { return {}; }
};

// An event to write, held by the caller, and its serialization (nostr::to_json) when the caller already
// made one: a store that keeps events as JSON stores it as it is instead of serializing again. Empty
// `json`: the store serializes.
struct EventToWrite {
  const nostr::Event* event;
  std::string_view json;
};

// Threads: write() and purge_expired() from one writer thread at a time (see BatchWriter); query(),
// count() and writable() from any threads concurrently.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Writes a batch of already verified events in one transaction (group commit). Results are in the
  // same order as the events. Handles replacement (kinds 0, 3, 10000-19999, 30000-39999), NIP-09
  // deletions carried by kind-5 events in the batch, and refuses deleted or expired events.
  // Ephemeral events must not be passed here. Never throws: a storage failure fails the whole batch
  // with kError and nothing of it is stored.
  std::vector<WriteResult> write(std::span<const nostr::Event> events, std::int64_t now) {
    return write(events, now, {});
  }
  // Called once the batch is applied inside its transaction and before the commit makes it durable,
  // with the results as they will be if the commit succeeds. Live fan-out runs here so subscribers do
  // not wait for the disk flush; acknowledgements (OK) still wait for write() to return.
  using BeforeCommit = std::function<void(std::span<const WriteResult>)>;
  std::vector<WriteResult> write(std::span<const nostr::Event> events, std::int64_t now,
                                 const BeforeCommit& before_commit) {
    std::vector<EventToWrite> refs;
    refs.reserve(events.size());
    for (const auto& event : events) refs.push_back(EventToWrite{&event, {}});
    return write(std::span<const EventToWrite>(refs), now, before_commit);
  }
  // What every store implements: the events stay where their callers hold them (the group-commit
  // writer's queue, the relay's subscribers), and none is copied on the way.
  virtual std::vector<WriteResult> write(std::span<const EventToWrite> events, std::int64_t now,
                                         const BeforeCommit& before_commit) = 0;

  virtual std::unique_ptr<QueryCursor> query(std::vector<nostr::Filter> filters, std::int64_t now) = 0;
  // Like query(), but StoredEvent::event carries only id, pubkey, created_at and kind (tags and content
  // empty, sig zero); `json` is complete. It is what the relay sends, and it spares parsing every
  // stored event back. Engines that cannot do better return the full events.
  virtual std::unique_ptr<QueryCursor> query_json(std::vector<nostr::Filter> filters, std::int64_t now) {
    return query(std::move(filters), now);
  }
  // NIP-45: number of distinct stored events matching any of the filters; limits do not apply.
  // Throws std::runtime_error when storage fails.
  virtual std::uint64_t count(const std::vector<nostr::Filter>& filters, std::int64_t now) = 0;

  // Removes events whose NIP-40 expiration is at or before `now`; returns how many were removed.
  // Never throws: when storage fails nothing is removed (0) and the next call tries again.
  virtual std::size_t purge_expired(std::int64_t now) = 0;

  // Takes stored events down by id, each with its index entries, in one transaction: a moderator's ban.
  // No tombstone is left (the ban refuses the event if it comes again; lifting the ban lets it in).
  // Returns how many of the ids were stored. Throws std::runtime_error when storage fails: then
  // nothing was removed. From the writer thread (BatchWriter::run_ordered), like write().
  virtual std::size_t erase(std::span<const nostr::Bytes32> ids) = 0;
  // The same for up to `limit` events of one author (a ban that purges): call again until it returns
  // less than `limit`, so no transaction holds the write lock for long.
  virtual std::size_t erase_author(const nostr::Bytes32& pubkey, std::size_t limit) = 0;

  // Readiness: storage is open and a write transaction can be started.
  virtual bool writable() = 0;

  // True when a read of the committed store shows no event with this id and no deletion of it by its
  // author, so that a regular event would be stored (what is still on its way to the writer is the
  // caller's to know). False when either exists, or when this engine cannot tell cheaply. Any thread.
  virtual bool known_new(const nostr::Event&) { return false; }
};

}  // namespace pleb::store
