#include "bus/bus.hpp"

#include <future>

namespace pleb::bus {

std::optional<std::string_view> Message::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

Status Delivery::reply(Message reply) const {
  if (!can_reply())
    return nostr::failed("no reply expected: the message on " + *subject_ + " was published, not requested");
  return responder_->reply(std::move(reply));
}

Status Delivery::ack() const {
  if (!responder_) return nostr::ok_status();
  return responder_->ack();
}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    unsubscribe();
    control_ = std::move(other.control_);
  }
  return *this;
}

void Subscription::unsubscribe() {
  if (auto control = std::move(control_)) control->close();
}

Result<Message> Bus::request_sync(std::string_view subject, Message message,
                                  std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<Result<Message>>>();
  auto future = promise->get_future();
  request(subject, std::move(message), timeout,
          [promise](Result<Message> reply) { promise->set_value(std::move(reply)); });
  return future.get();
}

}  // namespace pleb::bus
