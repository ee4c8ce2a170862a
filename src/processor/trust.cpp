#include "processor/trust.hpp"

#include "nostr/bytes.hpp"

namespace pleb::processor {
namespace {

constexpr std::uint32_t kFollowList = 3;

template <typename Visit>
void for_each_follow(const nostr::Event& follow_list, Visit visit) {
  for (const auto& tag : follow_list.tags) {
    if (tag.size() < 2 || tag[0] != "p") continue;
    if (auto pubkey = nostr::parse_hex_lower<32>(tag[1])) visit(*pubkey);
  }
}

}  // namespace

TrustPolicy::TrustPolicy(TrustConfig config) : config_(std::move(config)) {
  auto seeds_only = std::make_shared<Graph>();
  for (const auto& seed : config_.seeds) seeds_only->trusted.insert(seed);
  if (config_.members) {
    for (const auto& member : *config_.members->snapshot()) seeds_only->trusted.insert(member);
  }
  if (config_.distance > 0) seeds_only->inner = seeds_only->trusted;
  graph_ = std::move(seeds_only);
}

TrustPolicy::~TrustPolicy() {
  if (members_listener_ != 0) config_.members->unlisten(members_listener_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const TrustPolicy::Graph> TrustPolicy::graph() const {
  std::lock_guard lock(mutex_);
  return graph_;
}

std::size_t TrustPolicy::trusted_count() const {
  return graph()->trusted.size();
}

std::uint64_t TrustPolicy::rebuilds() const {
  std::lock_guard lock(mutex_);
  return rebuilds_;
}

std::shared_ptr<const TrustPolicy::Graph> TrustPolicy::build() const {
  auto graph = std::make_shared<Graph>();
  std::vector<nostr::Bytes32> frontier(config_.seeds.begin(), config_.seeds.end());
  if (config_.members) {
    for (const auto& member : *config_.members->snapshot()) {
      if (!config_.seeds.contains(member)) frontier.push_back(member);
    }
  }
  for (const auto& seed : frontier) graph->trusted.insert(seed);
  for (int hop = 0; hop < config_.distance && !frontier.empty(); ++hop) {
    std::vector<nostr::Bytes32> next;
    for (const auto& pubkey : frontier) {
      graph->inner.insert(pubkey);
      auto follows = lookup_(pubkey, kFollowList);
      if (!follows) continue;
      for_each_follow(*follows, [&](const nostr::Bytes32& followed) {
        if (graph->trusted.size() < config_.max_trusted && graph->trusted.insert(followed).second) {
          next.push_back(followed);
        }
      });
    }
    frontier = std::move(next);
  }
  return graph;
}

void TrustPolicy::start(const LatestEventLookup& lookup) {
  lookup_ = lookup;
  // The first graph is built before the pipeline is in force, so members are never refused at start.
  auto first = build();
  {
    std::lock_guard lock(mutex_);
    graph_ = std::move(first);
  }
  thread_ = std::thread([this] { rebuild_loop(); });
  if (config_.members) members_listener_ = config_.members->listen([this] { mark_dirty(); });
}

void TrustPolicy::mark_dirty() {
  {
    std::lock_guard lock(mutex_);
    dirty_ = true;
  }
  wake_.notify_one();
}

void TrustPolicy::stored(const nostr::Event& event) {
  if (event.kind != kFollowList || !lookup_) return;
  if (!graph()->inner.contains(event.pubkey)) return;
  mark_dirty();
}

void TrustPolicy::rebuild_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return dirty_ || stopping_; });
    if (stopping_) return;
    dirty_ = false;  // lists stored while this build runs make it run again
    lock.unlock();
    auto rebuilt = build();
    lock.lock();
    graph_ = std::move(rebuilt);
    ++rebuilds_;
  }
}

Decision TrustPolicy::check(const nostr::Event& event, const EventSource&) {
  if (!config_.kinds.empty() && !config_.kinds.contains(event.kind)) return Decision::accept();
  if (graph()->trusted.contains(event.pubkey)) return Decision::accept();
  // A member who just joined is trusted before the graph with their follows is rebuilt.
  if (config_.members && config_.members->contains(event.pubkey)) return Decision::accept();
  std::string refusal =
      "restricted: this relay accepts events only from its members and the people they follow";
  if (config_.hold) return Decision::hold(std::move(refusal), "untrusted");
  return Decision::reject(std::move(refusal), "untrusted");
}

}  // namespace pleb::processor
