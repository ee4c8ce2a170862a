#pragma once
// Holding an event writes it to the service database, which may wait on the disk: the relay's I/O
// threads hand holds to this one thread instead, and get the answer back when it is written. A spam wave
// that the web of trust holds then queues here (bounded) instead of stalling every connection.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "nostr/event.hpp"

namespace pleb::moderation {

class ModerationService;

class HoldWorker {
 public:
  // `done` gets an empty string when the event is kept, else the refusal with its NIP-01 prefix.
  using Done = std::function<void(std::string refusal)>;

  HoldWorker(ModerationService& moderation, std::size_t max_waiting = 10000);
  // Writes and answers what waits, then joins.
  ~HoldWorker();
  HoldWorker(const HoldWorker&) = delete;
  HoldWorker& operator=(const HoldWorker&) = delete;

  // Thread-safe and quick: queues the event; `done` runs on the worker thread after the write (or at
  // once, on the caller's thread, when the queue is full or the worker stopped).
  void hold(nostr::Event event, std::string reason, Done done);
  // Answers what waits, then refuses what comes later ("error: ... shutting down").
  void stop();

 private:
  struct Item {
    nostr::Event event;
    std::string reason;
    Done done;
  };
  void run();

  ModerationService& moderation_;
  const std::size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace pleb::moderation
