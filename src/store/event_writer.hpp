#pragma once
// Where the relay hands a verified, accepted event to be made durable. Embedded, that is the
// group-commit BatchWriter on the local store; scaled out, it is the processor behind the bus, which
// answers after its own commit. Either way `done` carries the verdict the client's OK reports.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nostr/event.hpp"
#include "store/event_store.hpp"

namespace pleb::store {

// Where an event came from, for writers whose policies look at it (the processor's plugins).
struct EventOrigin {
  std::string type = "IP4";  // IP4, IP6, Import, Stream, Sync
  std::string info;          // the client's address for IP4/IP6
  std::optional<nostr::Bytes32> authed_pubkey;
};

class EventWriter {
 public:
  // Called exactly once per submitted event, possibly on another thread. It must be quick.
  using Done = std::function<void(WriteResult)>;
  // Called before `done` once the event is applied but before it is durable, where the writer can tell
  // (the embedded store's transaction): live fan-out runs there. Writers that cannot tell never call it,
  // and live delivery then comes from elsewhere (the bus's `event.validated`).
  using Applied = std::function<void(const WriteResult&)>;

  virtual ~EventWriter() = default;
  virtual void submit(nostr::Event event, Done done, Applied applied) = 0;
  void submit(nostr::Event event, Done done) { submit(std::move(event), std::move(done), {}); }
  // The same, for writers that pass the origin on; the embedded writer has no use for it.
  virtual void submit(nostr::Event event, const EventOrigin& origin, Done done, Applied applied) {
    (void)origin;
    submit(std::move(event), std::move(done), std::move(applied));
  }
  // The same for an event shared with others (the relay's subscribers hold it): a writer may keep a
  // reference instead of a copy. `json`, when not empty, is its serialization (nostr::to_json) and
  // lives as long as `event` does.
  virtual void submit_shared(std::shared_ptr<const nostr::Event> event, std::string_view json,
                             const EventOrigin& origin, Done done, Applied applied) {
    (void)json;
    submit(*event, origin, std::move(done), std::move(applied));
  }
  // Whether ephemeral events go through this writer too (to reach other processes); otherwise the relay
  // delivers them itself and never submits them.
  virtual bool handles_ephemeral() const { return false; }
  // EventStore::known_new of the store this writer writes to; false when it writes elsewhere (another
  // process), where live delivery is that process's. Any thread.
  virtual bool known_new(const nostr::Event&) { return false; }
  // Finishes what was submitted (answering every event), then refuses further submits. Idempotent.
  virtual void stop() = 0;
};

}  // namespace pleb::store
