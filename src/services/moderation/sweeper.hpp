#pragma once
// Admits the held events that waited long enough ([policy.trust] hold_admit_after_seconds), on a
// thread of its own, every few seconds. Stops (and joins) when destroyed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "services/moderation/moderation_service.hpp"

namespace pleb::moderation {

class AdmitSweeper {
 public:
  AdmitSweeper(ModerationService& moderation, std::int64_t admit_after_seconds,
               std::chrono::milliseconds period = std::chrono::seconds(1));
  ~AdmitSweeper();
  AdmitSweeper(const AdmitSweeper&) = delete;
  AdmitSweeper& operator=(const AdmitSweeper&) = delete;
  void stop();

 private:
  void run();

  ModerationService& moderation_;
  std::int64_t admit_after_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pleb::moderation
