#pragma once
// The store as stages that learn from stored events (the web of trust) read it: the newest event of an
// author and kind. The same for every process that runs a pipeline over a store.
#include "processor/write_policy.hpp"
#include "store/event_store.hpp"

namespace pleb::processor {

// `store` must outlive the lookup.
LatestEventLookup latest_event_lookup(store::EventStore& store);

}  // namespace pleb::processor
