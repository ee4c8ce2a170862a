// The scaled-out write path without the network: a relay's BusEventWriter and LiveFeed, the processor's
// IngestService, over the in-process bus (same semantics as NATS, tests/bus) onto an LMDB store.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

#include "../store/temp_dir.hpp"
#include "../store/test_events.hpp"
#include "bus/memory/memory_bus.hpp"
#include "cache/memory/memory_event_cache.hpp"
#include "nostr/json_writer.hpp"
#include "processor/ingest/envelope.hpp"
#include "processor/ingest/ingest_service.hpp"
#include "processor/policy_config.hpp"
#include "relay/bus_bridge.hpp"
#include "store/batch_writer.hpp"
#include "store/lmdb/lmdb_store.hpp"

namespace pleb {
namespace {

using namespace std::chrono_literals;
using store::testing::signed_event;

nostr::SecretKey key_of(std::uint8_t n) {
  nostr::Bytes32 bytes{};
  bytes[31] = n;
  bytes[0] = 0x11;
  return nostr::SecretKey(bytes);
}

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::LmdbOptions options;
    options.directory = dir_.path();
    store_ = store::open_lmdb_store(options);
    writer_ = std::make_unique<store::BatchWriter>(*store_);
    bus::MemoryBusOptions bus_options;
    bus_options.ack_wait = 300ms;
    bus_ = std::make_unique<bus::MemoryBus>(bus_options);
    processor::PolicyConfig policy;
    policy.banned_pubkeys.insert(*nostr::public_key(key_of(9)));
    pipeline_ = processor::build_pipeline(policy);
    relay_writer_ = std::make_unique<relay::BusEventWriter>(*bus_, 2s);
    auto validated = bus_->subscribe(bus::subjects::event_validated, [this](const bus::Delivery& delivery) {
      std::lock_guard lock(mutex_);
      validated_.push_back(delivery.message().payload);
      changed_.notify_all();
    });
    ASSERT_TRUE(validated);
    validated_subscription_ = std::move(*validated);
  }
  void TearDown() override {
    relay_writer_->stop();
    service_.reset();
    writer_->stop();
  }

  void start_processor(std::shared_ptr<cache::EventCache> seen = {},
                       std::shared_ptr<processor::BanList> bans = {}) {
    processor::IngestOptions options;
    options.seen = std::move(seen);
    options.bans = std::move(bans);
    service_ = std::make_unique<processor::IngestService>(
        *bus_, *writer_, [this] { return pipeline_; }, options);
    ASSERT_TRUE(service_->start());
  }

  store::WriteResult submit(const nostr::Event& event, store::EventWriter& writer) {
    std::promise<store::WriteResult> result;
    writer.submit(event, store::EventOrigin{"IP4", "127.0.0.1", {}},
                  [&](store::WriteResult r) { result.set_value(r); }, {});
    return result.get_future().get();
  }
  store::WriteResult submit(const nostr::Event& event) { return submit(event, *relay_writer_); }

  bool stored(const nostr::Event& event) {
    nostr::Filter filter;
    filter.ids = std::vector<nostr::Bytes32>{event.id};
    return store_->count({filter}, now()) == 1;
  }

  bool wait_validated(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return validated_.size() >= count; });
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<store::BatchWriter> writer_;
  std::unique_ptr<bus::MemoryBus> bus_;
  std::shared_ptr<processor::Pipeline> pipeline_;
  std::unique_ptr<relay::BusEventWriter> relay_writer_;
  std::unique_ptr<processor::IngestService> service_;
  bus::Subscription validated_subscription_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> validated_;
};

TEST_F(IngestTest, StoredEventIsAcknowledgedAndAnnounced) {
  start_processor();
  auto event = signed_event(key_of(1), 1, now(), {}, "hello over the bus");
  auto result = submit(event);
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_TRUE(stored(event));
  ASSERT_TRUE(wait_validated(1));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(validated_[0], nostr::to_json(event));
  EXPECT_EQ(service_->stats().stored.load(), 1u);
}

TEST_F(IngestTest, TheProcessorsVerdictsReachTheRelayWithTheirPrefixes) {
  start_processor();
  auto event = signed_event(key_of(1), 1, now(), {}, "once");
  ASSERT_TRUE(submit(event).ok());
  auto again = submit(event);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(again.message.rfind("duplicate:", 0), 0u) << again.message;

  auto banned = submit(signed_event(key_of(9), 1, now(), {}, "banned author"));
  EXPECT_EQ(banned.message.rfind("blocked:", 0), 0u) << banned.message;

  // A relay's checks can be skipped by anyone who reaches the bus: the processor verifies again.
  auto forged = signed_event(key_of(1), 1, now(), {}, "signed");
  forged.content = "changed";
  forged.id = nostr::compute_id(forged);
  auto refused = submit(forged);
  EXPECT_EQ(refused.message.rfind("invalid:", 0), 0u) << refused.message;
  EXPECT_FALSE(stored(forged));

  auto deletion = signed_event(key_of(1), 5, now(), {store::testing::e_tag(event)});
  ASSERT_TRUE(submit(deletion).ok());
  EXPECT_FALSE(stored(event));
  auto back = submit(event);
  EXPECT_EQ(back.message.rfind("blocked:", 0), 0u) << back.message;
}

TEST_F(IngestTest, AHoldIsRefusedBecauseNothingHoldsEventsWhenScaledOut) {
  processor::PolicyConfig policy;
  processor::TrustConfig trust;
  trust.seeds.insert(*nostr::public_key(key_of(1)));
  trust.distance = 0;
  trust.hold = true;
  policy.trust = trust;
  pipeline_ = processor::build_pipeline(policy);
  start_processor();
  auto outsider = signed_event(key_of(2), 1, now(), {}, "from outside the web of trust");
  auto result = submit(outsider);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.message.rfind("restricted:", 0), 0u) << result.message;
  EXPECT_FALSE(stored(outsider));
  EXPECT_TRUE(submit(signed_event(key_of(1), 1, now(), {}, "from a seed")).ok());
}

TEST_F(IngestTest, EphemeralEventsAreAnnouncedNeverStored) {
  start_processor();
  EXPECT_TRUE(relay_writer_->handles_ephemeral());
  auto event = signed_event(key_of(1), 20001, now(), {}, "typing...");
  EXPECT_TRUE(submit(event).ok());
  ASSERT_TRUE(wait_validated(1));
  EXPECT_FALSE(stored(event));
}

TEST_F(IngestTest, WithoutAProcessorTheClientHearsErrorAndTheEventIsStoredLater) {
  relay::BusEventWriter impatient(*bus_, 200ms);
  auto event = signed_event(key_of(2), 1, now(), {}, "waiting for a processor");
  auto result = submit(event, impatient);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.message.rfind("error: the event processor did not answer", 0), 0u) << result.message;
  EXPECT_FALSE(stored(event));
  // The message waited on the durable subject: a processor that starts later stores it.
  start_processor();
  ASSERT_TRUE(wait_validated(1));
  EXPECT_TRUE(stored(event));
  // A client that sends it again now hears duplicate.
  auto again = submit(event);
  EXPECT_EQ(again.message.rfind("duplicate:", 0), 0u) << again.message;
  impatient.stop();
}

TEST_F(IngestTest, MalformedMessagesOnTheBusAreRefusedAndAcknowledged) {
  start_processor();
  bus::Message junk{std::string("{not an event")};
  auto reply = bus_->request_sync(bus::subjects::event_received, std::move(junk), 5s);
  ASSERT_TRUE(reply) << reply.error();
  auto verdict = processor::decode_verdict(*reply);
  EXPECT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.message.rfind("invalid:", 0), 0u) << verdict.message;
  // Acknowledged: it does not come back after the ack wait.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(service_->stats().redelivered.load(), 0u);
  EXPECT_EQ(service_->stats().received.load(), 1u);
}

TEST_F(IngestTest, TheIdCacheAnswersResentEventsAndForgetsDeletedOnes) {
  auto seen = std::make_shared<cache::MemoryEventCache>();
  start_processor(seen);
  auto event = signed_event(key_of(3), 1, now(), {}, "cached");
  ASSERT_TRUE(submit(event).ok());
  EXPECT_TRUE(seen->get(nostr::to_hex(event.id)).has_value());
  auto again = submit(event);
  EXPECT_EQ(again.message, "duplicate: already have this event");
  EXPECT_EQ(service_->stats().duplicates_from_cache.load(), 1u);
  // Once deleted, the cache forgets it and the store answers: deleted events stay deleted.
  ASSERT_TRUE(submit(signed_event(key_of(3), 5, now(), {store::testing::e_tag(event)})).ok());
  EXPECT_FALSE(seen->get(nostr::to_hex(event.id)).has_value());
  auto back = submit(event);
  EXPECT_EQ(back.message.rfind("blocked:", 0), 0u) << back.message;
  EXPECT_EQ(service_->stats().duplicates_from_cache.load(), 1u);
}

// A ban made after an event was stored (and its copy taken down): the resend is refused for the ban, not
// answered `duplicate:` from the cache as if the relay still had it.
TEST_F(IngestTest, ABannedResendIsAnsweredByTheBanNotTheIdCache) {
  auto seen = std::make_shared<cache::MemoryEventCache>();
  auto bans = std::make_shared<processor::BanList>();
  processor::PolicyConfig policy;
  policy.live_bans = bans;
  pipeline_ = processor::build_pipeline(policy);
  start_processor(seen, bans);
  auto by_author = signed_event(key_of(4), 1, now(), {}, "author banned later");
  auto by_id = signed_event(key_of(5), 1, now(), {}, "event banned later");
  ASSERT_TRUE(submit(by_author).ok());
  ASSERT_TRUE(submit(by_id).ok());
  ASSERT_TRUE(bans->ban({processor::BanKind::kPubkey, nostr::to_hex(by_author.pubkey), false}));
  ASSERT_TRUE(bans->ban({processor::BanKind::kEvent, nostr::to_hex(by_id.id), false}));
  for (const auto& event : {by_author, by_id}) {
    auto again = submit(event);
    EXPECT_EQ(again.message.rfind("blocked:", 0), 0u) << again.message;
  }
  EXPECT_EQ(service_->stats().duplicates_from_cache.load(), 0u);
  // Someone else's resend still gets the cache's answer.
  auto other = signed_event(key_of(6), 1, now(), {}, "not banned");
  ASSERT_TRUE(submit(other).ok());
  EXPECT_EQ(submit(other).message, "duplicate: already have this event");
  EXPECT_EQ(service_->stats().duplicates_from_cache.load(), 1u);
}

TEST_F(IngestTest, StoppedRelayWriterRefusesAtOnce) {
  relay_writer_->stop();
  auto result = submit(signed_event(key_of(1), 1, now()));
  EXPECT_EQ(result.message, "error: shutting down");
}

}  // namespace
}  // namespace pleb
