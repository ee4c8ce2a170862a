#include "processor/member_set.hpp"

#include <algorithm>

namespace pleb::processor {

MemberSet::MemberSet() : cell_(std::make_shared<const Keys>()) {}

void MemberSet::publish(std::shared_ptr<const Keys> next) {
  cell_.store(std::move(next));
  // Listeners run under their own lock, so unlisten() waits for a running one.
  std::lock_guard lock(listeners_mutex_);
  for (const auto& [id, listener] : listeners_) listener();
}

bool MemberSet::add(const nostr::Bytes32& pubkey) {
  std::lock_guard change(change_mutex_);
  auto current = snapshot();
  if (current->contains(pubkey)) return false;
  auto next = std::make_shared<Keys>(*current);
  next->insert(pubkey);
  publish(std::move(next));
  return true;
}

bool MemberSet::remove(const nostr::Bytes32& pubkey) {
  std::lock_guard change(change_mutex_);
  auto current = snapshot();
  if (!current->contains(pubkey)) return false;
  auto next = std::make_shared<Keys>(*current);
  next->erase(pubkey);
  publish(std::move(next));
  return true;
}

bool MemberSet::replace(const std::vector<nostr::Bytes32>& pubkeys) {
  std::lock_guard change(change_mutex_);
  auto next = std::make_shared<Keys>(pubkeys.begin(), pubkeys.end());
  if (*next == *snapshot()) return false;  // the periodic re-read usually finds nothing new
  publish(std::move(next));
  return true;
}

std::uint64_t MemberSet::listen(Listener listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.emplace_back(next_listener_, std::move(listener));
  return next_listener_++;
}

void MemberSet::unlisten(std::uint64_t id) {
  std::lock_guard lock(listeners_mutex_);
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
}

}  // namespace pleb::processor
