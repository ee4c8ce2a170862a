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
#include "processor/key_hash.hpp"

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

// Every filter is filed under one field that any event it matches must carry: its ids, else its authors,
// else the values of its narrowest tag, else its kinds; a filter with none of those is "broad". A published
// event then looks up its own id, author, kind and tags and checks only the filters filed there and the
// broad ones, instead of every filter of every connection (strfry's monitors do the same): with thousands
// of subscriptions that each follow a few authors, an event meets a handful of them.
class SubscriptionRegistry {
 public:
  void add(std::uint64_t connection, std::weak_ptr<Subscriber> subscriber, const std::string& subscription_id,
           std::vector<nostr::Filter> filters);
  void remove(std::uint64_t connection, const std::string& subscription_id);
  void remove_connection(std::uint64_t connection);
  void publish(const std::shared_ptr<const Published>& event) const;
  // Whether some subscription's filters match the event (who may then read it is publish()'s to decide).
  bool wants(const nostr::Event& event) const;
  std::size_t size() const;

 private:
  struct Subscription {
    std::uint64_t connection;
    std::string id;
    std::vector<nostr::Filter> filters;
  };
  struct Connection {
    std::weak_ptr<Subscriber> subscriber;
    std::unordered_map<std::string, std::unique_ptr<Subscription>> subscriptions;
  };
  using KeyHash = processor::KeyHash;
  // The subscriptions with a filter filed under one key; each subscription at most once per key.
  using Bucket = std::vector<const Subscription*>;
  // The subscriptions with a filter that matches the event; the caller holds mutex_.
  std::vector<const Subscription*> matching(const nostr::Event& event) const;

  template <typename Fn>
  bool for_each_key(const nostr::Filter& filter, Fn&& fn);
  void file(const Subscription& subscription);
  void unfile(const Subscription& subscription);
  void erase_subscription(Connection& connection, const std::string& subscription_id);

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::unordered_map<nostr::Bytes32, Bucket, KeyHash> by_id_;
  std::unordered_map<nostr::Bytes32, Bucket, KeyHash> by_author_;
  std::unordered_map<std::string, Bucket> by_tag_;  // letter, then value
  std::unordered_map<std::uint32_t, Bucket> by_kind_;
  Bucket broad_;
  std::size_t count_ = 0;
};

}  // namespace pleb::relay
