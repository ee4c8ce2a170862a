#pragma once
// One immutable value that a few writers replace and every event reads (the live bans, the live members).
// Readers on the hot path use read(): it touches no lock and no shared reference count unless the value
// changed since this thread last read this cell, so I/O threads do not contend on a cache line per event.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace pleb::processor {

template <typename T>
class SnapshotCell {
 public:
  explicit SnapshotCell(std::shared_ptr<const T> initial)
      : id_(next_id().fetch_add(1, std::memory_order_relaxed)), value_(std::move(initial)) {}

  // A reference that stays valid (and unchanged) on this thread until its next read() of any cell of T.
  const T& read() const {
    thread_local Cached cached;
    std::uint64_t version = version_.load(std::memory_order_acquire);
    if (cached.cell != id_ || cached.version != version) {
      std::lock_guard lock(mutex_);
      cached = {id_, version_.load(std::memory_order_relaxed), value_};
    }
    return *cached.value;
  }
  // The current value, shared: for callers that keep it longer.
  std::shared_ptr<const T> load() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  void store(std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
    version_.fetch_add(1, std::memory_order_release);
  }

 private:
  struct Cached {
    std::uint64_t cell = 0;  // ids start at 1: a fresh cache matches no cell
    std::uint64_t version = 0;
    std::shared_ptr<const T> value;
  };
  static std::atomic<std::uint64_t>& next_id() {
    static std::atomic<std::uint64_t> id{1};
    return id;
  }

  const std::uint64_t id_;
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace pleb::processor
