#pragma once
// Where the relay hands a verified, accepted event to be made durable. Embedded, that is the
// group-commit BatchWriter on the local store; scaled out, it is the processor behind the bus, which
// answers after its own commit. Either way `done` carries the verdict the client's OK reports.
#include <functional>

#include "nostr/event.hpp"
#include "store/event_store.hpp"

namespace pleb::store {

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
  // Finishes what was submitted (answering every event), then refuses further submits. Idempotent.
  virtual void stop() = 0;
};

}  // namespace pleb::store
