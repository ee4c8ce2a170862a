#include "processor/write_policy.hpp"

namespace pleb::processor {

Decision Pipeline::evaluate(const nostr::Event& event, const EventSource& source) {
  for (const auto& stage : stages_) {
    Decision decision = stage->check(event, source);
    if (decision.verdict != Verdict::kAccept) {
      count(stage->name(), decision.verdict);
      return decision;
    }
  }
  count("pipeline", Verdict::kAccept);
  return Decision::accept();
}

void Pipeline::count(std::string_view stage, Verdict verdict) {
  static constexpr const char* kVerdicts[] = {"accept", "reject", "shadow-reject"};
  std::string key = std::string(stage) + "/" + kVerdicts[static_cast<int>(verdict)];
  std::lock_guard lock(mutex_);
  ++counts_[key];
}

std::map<std::string, std::uint64_t> Pipeline::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace pleb::processor
