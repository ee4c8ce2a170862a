#include "relay/relay.hpp"

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/kinds.hpp"
#include "processor/latest_event_lookup.hpp"
#include "relay/connection.hpp"

namespace pleb::relay {

Relay::Relay(RelayConfig config, store::EventStore& store, store::EventWriter& writer)
    : config_(std::move(config)), store_(store), writer_(writer) {}

std::shared_ptr<http::MessageSink> Relay::on_open(std::shared_ptr<http::WebSocketConnection> connection,
                                                  const http::UpgradeInfo& info) {
  auto session = std::make_shared<Connection>(shared_from_this(), std::move(connection), info);
  session->start();
  return session;
}

std::shared_ptr<processor::Pipeline> Relay::pipeline() const {
  std::lock_guard lock(pipeline_mutex_);
  return pipeline_;
}

void Relay::set_pipeline(std::shared_ptr<processor::Pipeline> pipeline) {
  pipeline->start(processor::latest_event_lookup(store_));
  std::lock_guard lock(pipeline_mutex_);
  pipeline_observes_ = pipeline->observes_stored();
  pipeline_ = std::move(pipeline);
}

void Relay::admit(nostr::Event event, AdmitDone done) {
  auto published = std::make_shared<Published>();
  published->json = nostr::to_json(event);
  published->event = std::move(event);
  bool ephemeral = nostr::is_ephemeral(published->event.kind);
  if (ephemeral && !writer_.handles_ephemeral()) {
    ++stats_.events_ephemeral;
    subscriptions_.publish(published);
    done(true, "");
    return;
  }
  // The same order as for an EVENT: subscribers once the batch is applied, the outcome after the commit.
  auto self = shared_from_this();
  auto applied = [self, published](const store::WriteResult& result) {
    if (result.ok()) self->subscriptions().publish(published);
  };
  auto committed = [self, published, ephemeral, done = std::move(done)](store::WriteResult result) {
    if (result.ok()) {
      ++(ephemeral ? self->stats_.events_ephemeral : self->stats_.events_stored);
      if (!ephemeral) {
        self->note_stored(published->event);
        if (self->stored_listener_) self->stored_listener_(published->event);
      }
    }
    done(result.ok(), result.message);
  };
  writer_.submit_shared(std::shared_ptr<const nostr::Event>(published, &published->event), published->json,
                        store::EventOrigin{"Moderation", {}, {}}, std::move(committed), std::move(applied));
}

}  // namespace pleb::relay
