#include "relay/relay.hpp"

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
  std::lock_guard lock(pipeline_mutex_);
  pipeline_ = std::move(pipeline);
}

}  // namespace pleb::relay
