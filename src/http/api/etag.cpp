#include "http/api/etag.hpp"

#include "nostr/sha256.hpp"

namespace pleb::api {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view opaque_part(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::string strong_etag(std::string_view body) {
  auto digest = nostr::sha256(body);
  std::string tag = "\"";
  nostr::append_hex(tag, digest.data(), 16);
  tag.push_back('"');
  return tag;
}

bool if_none_match(std::string_view header, std::string_view etag) {
  header = trim(header);
  if (header == "*") return true;
  std::string_view wanted = opaque_part(etag);
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view candidate = trim(header.substr(0, comma));
    if (!candidate.empty() && opaque_part(candidate) == wanted) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

std::uint64_t EtagMemory::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::optional<std::string> EtagMemory::recall(const std::string& url, std::int64_t now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(url);
  if (it == entries_.end() || now - it->second.remembered_at >= keep_seconds_) return std::nullopt;
  return it->second.etag;
}

void EtagMemory::remember(const std::string& url, std::string etag, std::uint64_t generation,
                          std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (generation != generation_ || keep_seconds_ <= 0) return;
  // Many distinct URLs (query strings) would grow the memory without bound: start over instead.
  if (entries_.size() >= capacity_ && !entries_.contains(url)) entries_.clear();
  entries_[url] = Entry{std::move(etag), now};
}

void EtagMemory::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.clear();
}

}  // namespace pleb::api
