// The relay-wide record of events on their way to the store: what may be delivered ahead of the writer.
#include "relay/in_flight.hpp"

#include <gtest/gtest.h>

#include "nostr/kinds.hpp"

namespace pleb::relay {
namespace {

nostr::Event event_with_id(std::uint8_t first_byte, std::uint32_t kind = 1) {
  nostr::Event e;
  e.id[0] = first_byte;
  e.kind = kind;
  return e;
}

TEST(InFlightEvents, ASecondCopyInFlightIsNotClear) {
  InFlightEvents in_flight;
  const auto a = event_with_id(1);
  EXPECT_TRUE(in_flight.enter(a));
  EXPECT_FALSE(in_flight.enter(a));
  in_flight.leave(a);
  EXPECT_FALSE(in_flight.enter(a));  // one copy is still in flight
  in_flight.leave(a);
  in_flight.leave(a);
  EXPECT_TRUE(in_flight.enter(a));
}

TEST(InFlightEvents, AnEventNamedByADeletionInFlightIsNotClear) {
  InFlightEvents in_flight;
  const auto target = event_with_id(7);
  auto deletion = event_with_id(9, nostr::kKindDeletion);
  deletion.tags = {{"e", nostr::to_hex(target.id)}, {"e", "not hex"}, {"p", nostr::to_hex(target.id)}};
  EXPECT_TRUE(in_flight.enter(deletion));
  EXPECT_FALSE(in_flight.enter(target));
  in_flight.leave(target);
  in_flight.leave(deletion);
  EXPECT_TRUE(in_flight.enter(target));
  // A `p` tag or a kind other than 5 deletes nothing.
  auto note = event_with_id(11);
  note.tags = {{"e", nostr::to_hex(event_with_id(12).id)}};
  EXPECT_TRUE(in_flight.enter(note));
  EXPECT_TRUE(in_flight.enter(event_with_id(12)));
}

}  // namespace
}  // namespace pleb::relay
