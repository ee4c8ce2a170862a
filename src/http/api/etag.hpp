#pragma once
// Strong entity tags and the router's memory of the last tag served for each cacheable URL.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pleb::api {

// `"<32 hex digits>"`: the first 128 bits of the body's SHA-256.
std::string strong_etag(std::string_view body);
// RFC 9110 If-None-Match: "*", or a comma-separated list of tags compared weakly (W/"x" matches "x").
bool if_none_match(std::string_view header, std::string_view etag);

// Remembers the tag last served for each URL for a while, so that a conditional request whose tag is still
// current is answered without running the handler. Thread-safe.
class EtagMemory {
 public:
  EtagMemory(std::int64_t keep_seconds, std::size_t capacity = 4096)
      : keep_seconds_(keep_seconds), capacity_(capacity) {}

  // A change counter; a tag computed from data read before the latest forget_all() is not remembered.
  std::uint64_t generation() const;
  // The tag remembered for `url`, if it was remembered within the keeping period.
  std::optional<std::string> recall(const std::string& url, std::int64_t now) const;
  // Remembers `etag` for `url` unless a write happened since `generation` was read.
  void remember(const std::string& url, std::string etag, std::uint64_t generation, std::int64_t now);
  // A write succeeded: no remembered tag can be trusted any more.
  void forget_all();

 private:
  struct Entry {
    std::string etag;
    std::int64_t remembered_at;
  };
  std::int64_t keep_seconds_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace pleb::api
