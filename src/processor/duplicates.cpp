#include "processor/duplicates.hpp"

#include <algorithm>
#include <cstring>

namespace pleb::processor {
namespace {

constexpr std::uint32_t kNoCluster = 0;

std::uint64_t author_key(const nostr::Bytes32& pubkey) {
  std::uint64_t key;
  std::memcpy(&key, pubkey.data(), sizeof key);  // pubkeys are uniformly random already
  return key;
}

}  // namespace

std::size_t DuplicatePolicy::tracked() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

void DuplicatePolicy::forget_old(std::int64_t now) {
  while (!recent_.empty() &&
         (recent_.front().at < now - config_.window_seconds || recent_.size() >= config_.max_tracked)) {
    const Remembered& old = recent_.front();
    for (auto key : old.keys) {
      auto it = index_.find(key);
      if (it != index_.end() && it->second == old.cluster) index_.erase(it);
    }
    auto cluster = clusters_.find(old.cluster);
    if (cluster != clusters_.end() && --cluster->second.notes == 0) clusters_.erase(cluster);
    recent_.pop_front();
  }
}

std::uint32_t DuplicatePolicy::find_cluster(const ContentFingerprint& print,
                                            const std::array<std::uint64_t, kBands + 1>& keys,
                                            bool& exact) const {
  if (auto it = index_.find(keys[kBands]); it != index_.end() && clusters_.contains(it->second)) {
    exact = true;
    return it->second;
  }
  exact = false;
  if (config_.similarity >= 1.0) return kNoCluster;
  // Of the similar clusters, the one with the most notes: a small cluster that a spam note started when its
  // estimate fell short must not become the place where the rest of the wave slips through.
  std::uint32_t best = kNoCluster;
  std::uint32_t best_notes = 0;
  for (std::size_t band = 0; band < kBands; ++band) {
    auto it = index_.find(keys[band]);
    if (it == index_.end()) continue;
    auto cluster = clusters_.find(it->second);
    if (cluster == clusters_.end() || cluster->second.notes <= best_notes) continue;
    if (estimated_similarity(print.minhash, cluster->second.representative) >= config_.similarity) {
      best = it->second;
      best_notes = cluster->second.notes;
    }
  }
  return best;
}

std::size_t DuplicatePolicy::other_recent_authors(const Cluster& cluster, std::uint64_t author,
                                                  std::int64_t now) const {
  return static_cast<std::size_t>(std::count_if(
      cluster.authors.begin(), cluster.authors.end(),
      [&](const auto& seen) { return seen.first != author && seen.second >= now - config_.window_seconds; }));
}

void DuplicatePolicy::add_author(Cluster& cluster, std::uint64_t author, std::int64_t now) const {
  for (auto& seen : cluster.authors) {
    if (seen.first == author) return void(seen.second = now);
  }
  if (cluster.authors.size() <= config_.max_authors) return cluster.authors.emplace_back(author, now), void();
  // Enough authors are known to decide; the least recent makes room.
  *std::min_element(cluster.authors.begin(), cluster.authors.end(),
                    [](const auto& a, const auto& b) { return a.second < b.second; }) = {author, now};
}

Decision DuplicatePolicy::check(const nostr::Event& event, const EventSource& source) {
  if (!config_.kinds.empty() && !config_.kinds.contains(event.kind)) return Decision::accept();
  if (config_.exempt.contains(event.pubkey) || (config_.members && config_.members->contains(event.pubkey))) {
    return Decision::accept();
  }
  auto print = fingerprint(event.content, config_.shingle_words);
  if (print.words < config_.min_words) return Decision::accept();
  std::array<std::uint64_t, kBands + 1> keys;
  auto bands = print.band_keys();
  std::copy(bands.begin(), bands.end(), keys.begin());
  keys[kBands] = print.exact;
  std::uint64_t author = author_key(event.pubkey);
  std::int64_t now = source.now;

  std::lock_guard lock(mutex_);
  forget_old(now);
  bool exact = false;
  std::uint32_t id = find_cluster(print, keys, exact);
  bool refused = false;
  if (id == kNoCluster) {
    id = next_cluster_++;
    if (next_cluster_ == kNoCluster) ++next_cluster_;
    clusters_[id].representative = print.minhash;
  } else {
    refused = other_recent_authors(clusters_[id], author, now) >= config_.max_authors;
  }
  // Refused notes are remembered too: a spam wave keeps its cluster alive for as long as it lasts.
  Cluster& cluster = clusters_[id];
  add_author(cluster, author, now);
  ++cluster.notes;
  for (auto key : keys) index_[key] = id;
  recent_.push_back({now, id, keys});
  if (!refused) return Decision::accept();
  std::string_view reason = exact ? "duplicate" : "similar";
  if (config_.shadow) return Decision::shadow_reject(reason);
  return Decision::reject("blocked: the same text was posted by at least " +
                              std::to_string(config_.max_authors) + " other authors recently",
                          reason);
}

}  // namespace pleb::processor
