#include "relay/subscriptions.hpp"

#include <algorithm>
#include <mutex>

namespace pleb::relay {
namespace {

// Into a buffer the caller keeps: publishing looks up every tag of every event, and values such as ids
// and keys are too long for the short-string buffer, so a fresh string would allocate each time.
const std::string& tag_key(std::string& key, char letter, std::string_view value) {
  key.assign(1, letter);
  key.append(value);
  return key;
}

}  // namespace

// Calls fn(map, key) for each key a filter is filed under; false when it is broad (filed under none).
// A filter that matches nothing is filed nowhere.
template <typename Fn>
bool SubscriptionRegistry::for_each_key(const nostr::Filter& filter, Fn&& fn) {
  if (filter.is_empty_set()) return true;
  if (filter.ids) {
    for (const auto& id : *filter.ids) fn(by_id_, id);
  } else if (filter.authors) {
    for (const auto& author : *filter.authors) fn(by_author_, author);
  } else if (const auto* tag = filter.narrowest_tag()) {
    std::string key;
    for (const auto& value : tag->values) fn(by_tag_, tag_key(key, tag->letter, value));
  } else if (filter.kinds) {
    for (std::uint32_t kind : *filter.kinds) fn(by_kind_, kind);
  } else {
    return false;
  }
  return true;
}

void SubscriptionRegistry::file(const Subscription& subscription) {
  auto add = [&](Bucket& bucket) {
    // Filters of one subscription filed under the same key arrive one after another.
    if (bucket.empty() || bucket.back() != &subscription) bucket.push_back(&subscription);
  };
  for (const auto& filter : subscription.filters) {
    if (!for_each_key(filter, [&](auto& map, const auto& key) { add(map[key]); })) add(broad_);
  }
}

void SubscriptionRegistry::unfile(const Subscription& subscription) {
  auto drop = [&](auto& map, const auto& key) {
    auto it = map.find(key);
    if (it == map.end()) return;
    std::erase(it->second, &subscription);
    if (it->second.empty()) map.erase(it);
  };
  for (const auto& filter : subscription.filters) {
    if (!for_each_key(filter, drop)) std::erase(broad_, &subscription);
  }
}

void SubscriptionRegistry::add(std::uint64_t connection, std::weak_ptr<Subscriber> subscriber,
                               const std::string& subscription_id, std::vector<nostr::Filter> filters) {
  std::unique_lock lock(mutex_);
  auto& entry = connections_[connection];
  entry.subscriber = std::move(subscriber);
  erase_subscription(entry, subscription_id);  // a REQ with the id of an open one replaces it
  auto subscription =
      std::make_unique<Subscription>(Subscription{connection, subscription_id, std::move(filters)});
  file(*subscription);
  entry.subscriptions.emplace(subscription_id, std::move(subscription));
  ++count_;
}

void SubscriptionRegistry::erase_subscription(Connection& connection, const std::string& subscription_id) {
  auto it = connection.subscriptions.find(subscription_id);
  if (it == connection.subscriptions.end()) return;
  unfile(*it->second);
  connection.subscriptions.erase(it);
  --count_;
}

void SubscriptionRegistry::remove(std::uint64_t connection, const std::string& subscription_id) {
  std::unique_lock lock(mutex_);
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  erase_subscription(it->second, subscription_id);
  if (it->second.subscriptions.empty()) connections_.erase(it);
}

void SubscriptionRegistry::remove_connection(std::uint64_t connection) {
  std::unique_lock lock(mutex_);
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  for (const auto& [id, subscription] : it->second.subscriptions) unfile(*subscription);
  count_ -= it->second.subscriptions.size();
  connections_.erase(it);
}

std::vector<const SubscriptionRegistry::Subscription*> SubscriptionRegistry::matching(
    const nostr::Event& event) const {
  // Every subscription with a filter filed under something this event carries.
  Bucket candidates(broad_);
  auto gather = [&](const auto& map, const auto& key) {
    auto it = map.find(key);
    if (it != map.end()) candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  };
  gather(by_id_, event.id);
  gather(by_author_, event.pubkey);
  gather(by_kind_, event.kind);
  if (!by_tag_.empty()) {
    std::string key;
    for (const auto& tag : event.tags) {
      if (tag.size() >= 2 && tag[0].size() == 1) gather(by_tag_, tag_key(key, tag[0][0], tag[1]));
    }
  }
  std::vector<const Subscription*> matched;
  for (const Subscription* subscription : candidates) {
    for (const auto& filter : subscription->filters) {
      if (filter.matches(event)) {
        matched.push_back(subscription);
        break;
      }
    }
  }
  return matched;
}

bool SubscriptionRegistry::wants(const nostr::Event& event) const {
  std::shared_lock lock(mutex_);
  return !matching(event).empty();
}

void SubscriptionRegistry::publish(const std::shared_ptr<const Published>& published) const {
  const nostr::Event& event = published->event;
  std::vector<std::pair<std::shared_ptr<Subscriber>, std::vector<std::string>>> deliveries;
  {
    std::shared_lock lock(mutex_);
    std::vector<const Subscription*> matched = matching(event);
    // One delivery per connection, naming each of its matching subscriptions once (a subscription can
    // be a candidate under several keys: an author and a tag of the same event).
    std::sort(matched.begin(), matched.end(), [](const Subscription* a, const Subscription* b) {
      return a->connection != b->connection ? a->connection < b->connection : a < b;
    });
    matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
    for (std::size_t i = 0; i < matched.size();) {
      std::uint64_t connection = matched[i]->connection;
      std::vector<std::string> ids;
      for (; i < matched.size() && matched[i]->connection == connection; ++i) ids.push_back(matched[i]->id);
      auto it = connections_.find(connection);
      if (it == connections_.end()) continue;
      if (auto subscriber = it->second.subscriber.lock())
        deliveries.emplace_back(std::move(subscriber), std::move(ids));
    }
  }
  for (auto& [subscriber, ids] : deliveries) subscriber->deliver(published, std::move(ids));
}

std::size_t SubscriptionRegistry::size() const {
  std::shared_lock lock(mutex_);
  return count_;
}

}  // namespace pleb::relay
