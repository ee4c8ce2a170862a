#include "processor/ingest/ingest_service.hpp"

#include <chrono>
#include <iostream>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/kinds.hpp"
#include "processor/ingest/envelope.hpp"

namespace pleb::processor {
namespace {

std::int64_t system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

IngestService::IngestService(bus::Bus& bus, store::EventWriter& writer, PipelineSource pipeline,
                             IngestOptions options)
    : bus_(bus), writer_(writer), pipeline_(std::move(pipeline)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = system_seconds;
}

IngestService::~IngestService() {
  stop();
}

nostr::Status IngestService::start() {
  auto subscription = bus_.queue_subscribe(bus::subjects::event_received, options_.group,
                                           [this](const bus::Delivery& delivery) { handle(delivery); });
  if (!subscription) return nostr::failed(subscription.error());
  subscription_ = std::move(*subscription);
  return nostr::ok_status();
}

void IngestService::stop() {
  subscription_.unsubscribe();
}

void IngestService::answer(const bus::Delivery& delivery, bool accepted, std::string_view message) {
  if (delivery.can_reply()) (void)delivery.reply(encode_verdict(accepted, message));
}

bool IngestService::banned(const nostr::Event& event) const {
  if (!options_.bans) return false;
  const auto& bans = options_.bans->current();
  return bans.pubkeys.contains(event.pubkey) || bans.event_ids.contains(event.id);
}

void IngestService::handle(const bus::Delivery& delivery) {
  ++stats_.received;
  if (delivery.attempt() > 1) ++stats_.redelivered;
  // Anything refused for what it is will be refused again: answer and acknowledge it for good.
  auto refuse = [&](std::string_view message) {
    ++stats_.rejected;
    answer(delivery, false, message);
    (void)delivery.ack();
  };
  auto received = decode_received(delivery.message(), options_.limits);
  if (!received) return refuse("invalid: " + received.error());
  nostr::Event& event = received->event;
  if (options_.seen && !banned(event) && options_.seen->get(nostr::to_hex(event.id))) {
    ++stats_.duplicates_from_cache;
    return refuse(store::default_message(store::WriteStatus::kDuplicate));
  }
  if (options_.verify) {
    if (auto verified = nostr::verify_event(event); !verified) return refuse("invalid: " + verified.error());
  }

  EventSource source;
  source.type = received->origin.type;
  source.info = received->origin.info;
  source.authed_pubkey = received->origin.authed_pubkey;
  source.now = options_.clock();
  auto pipeline = pipeline_ ? pipeline_() : nullptr;
  if (!pipeline) return conclude(delivery, std::move(event), Decision::accept());
  // A plugin stage answers later: this bus thread goes on with the next message meanwhile.
  auto held = std::make_shared<nostr::Event>(std::move(event));
  pipeline->evaluate(*held, source, [this, delivery, held](Decision decision) {
    conclude(delivery, std::move(*held), std::move(decision));
  });
}

void IngestService::conclude(const bus::Delivery& delivery, nostr::Event event, Decision decision) {
  // Scaled out, nothing holds events for moderators: a hold is refused with the stage's message.
  if (decision.verdict == Verdict::kReject || decision.verdict == Verdict::kHold) {
    ++stats_.rejected;
    answer(delivery, false, decision.message);
    (void)delivery.ack();
    return;
  }
  if (decision.verdict == Verdict::kShadowReject) {
    answer(delivery, true, "");
    (void)delivery.ack();
    return;
  }
  if (nostr::is_ephemeral(event.kind)) {
    // Never stored: announced to every relay's subscribers and forgotten.
    (void)bus_.publish(bus::subjects::event_validated, bus::Message{delivery.message().payload});
    answer(delivery, true, "");
    (void)delivery.ack();
    return;
  }

  unsigned attempt = delivery.attempt();
  std::string id = nostr::to_hex(event.id);
  // Stages that learn from stored events (the web of trust's follow lists) see each once it is stored.
  std::shared_ptr<const nostr::Event> observed;
  if (auto pipeline = pipeline_ ? pipeline_() : nullptr; pipeline && pipeline->observes_stored()) {
    observed = std::make_shared<const nostr::Event>(event);
  }
  std::vector<std::string> deleted;  // the ids a deletion names, to forget once it is stored
  if (event.kind == nostr::kKindDeletion) {
    for (const auto& tag : event.tags) {
      if (tag.size() >= 2 && tag[0] == "e") deleted.push_back(tag[1]);
    }
  }
  writer_.submit(std::move(event), [this, delivery, attempt, id = std::move(id), deleted = std::move(deleted),
                                    observed = std::move(observed)](store::WriteResult result) {
    // A redelivered event that is already stored was stored by the attempt that died before its
    // acknowledgement: for the waiting relay that is success, and its announcement may never have left.
    bool stored = result.ok() || (attempt > 1 && result.status == store::WriteStatus::kDuplicate);
    if (stored) {
      ++stats_.stored;
      if (options_.seen) {
        for (const auto& gone : deleted) options_.seen->erase(gone);
        options_.seen->put(id, delivery.message().payload);
      }
      if (observed) {
        if (auto pipeline = pipeline_()) pipeline->stored(*observed);
      }
      (void)bus_.publish(bus::subjects::event_validated, bus::Message{delivery.message().payload});
      answer(delivery, true, "");
      (void)delivery.ack();
    } else if (result.status == store::WriteStatus::kError) {
      // Storage failed: the relay's client hears `error:` now, and the unacknowledged message comes
      // back after the bus's ack wait, when storage may work again.
      ++stats_.storage_errors;
      answer(delivery, false, result.message);
    } else {
      ++stats_.rejected;
      answer(delivery, false, result.message);
      (void)delivery.ack();
    }
  });
}

}  // namespace pleb::processor
