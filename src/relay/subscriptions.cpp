#include "relay/subscriptions.hpp"

#include <mutex>

namespace pleb::relay {

void SubscriptionRegistry::add(std::uint64_t connection, std::weak_ptr<Subscriber> subscriber,
                               const std::string& subscription_id, std::vector<nostr::Filter> filters) {
  std::unique_lock lock(mutex_);
  auto& entry = connections_[connection];
  entry.subscriber = std::move(subscriber);
  auto [it, inserted] = entry.subscriptions.insert_or_assign(subscription_id, std::move(filters));
  if (inserted) ++count_;
}

void SubscriptionRegistry::remove(std::uint64_t connection, const std::string& subscription_id) {
  std::unique_lock lock(mutex_);
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  count_ -= it->second.subscriptions.erase(subscription_id);
  if (it->second.subscriptions.empty()) connections_.erase(it);
}

void SubscriptionRegistry::remove_connection(std::uint64_t connection) {
  std::unique_lock lock(mutex_);
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  count_ -= it->second.subscriptions.size();
  connections_.erase(it);
}

void SubscriptionRegistry::publish(const std::shared_ptr<const Published>& event) const {
  std::vector<std::pair<std::shared_ptr<Subscriber>, std::vector<std::string>>> deliveries;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [id, connection] : connections_) {
      std::vector<std::string> matched;
      for (const auto& [subscription_id, filters] : connection.subscriptions) {
        for (const auto& filter : filters) {
          if (filter.matches(event->event)) {
            matched.push_back(subscription_id);
            break;  // one delivery per subscription, however many of its filters match
          }
        }
      }
      if (matched.empty()) continue;
      if (auto subscriber = connection.subscriber.lock())
        deliveries.emplace_back(std::move(subscriber), std::move(matched));
    }
  }
  for (auto& [subscriber, ids] : deliveries) subscriber->deliver(event, std::move(ids));
}

std::size_t SubscriptionRegistry::size() const {
  std::shared_lock lock(mutex_);
  return count_;
}

}  // namespace pleb::relay
