#pragma once
// Live subscriptions of every connection, for fan-out: a stored (or ephemeral) event is matched against
// every open subscription and handed to the connections that want it.
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace pleb::relay {

// A published event, shared by every delivery of it.
struct Published {
  nostr::Event event;
  std::string json;
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Called from the publishing thread; implementations post to their own strand.
  virtual void deliver(std::shared_ptr<const Published> event, std::vector<std::string> subscription_ids) = 0;
};

class SubscriptionRegistry {
 public:
  void add(std::uint64_t connection, std::weak_ptr<Subscriber> subscriber, const std::string& subscription_id,
           std::vector<nostr::Filter> filters);
  void remove(std::uint64_t connection, const std::string& subscription_id);
  void remove_connection(std::uint64_t connection);
  void publish(const std::shared_ptr<const Published>& event) const;
  std::size_t size() const;

 private:
  struct Connection {
    std::weak_ptr<Subscriber> subscriber;
    std::unordered_map<std::string, std::vector<nostr::Filter>> subscriptions;
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::size_t count_ = 0;
};

}  // namespace pleb::relay
