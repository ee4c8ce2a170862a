#include "processor/write_policy.hpp"

#include <future>

#include "nostr/bytes.hpp"

namespace pleb::processor {

void Pipeline::add(std::unique_ptr<WritePolicy> stage) {
  asynchronous_ = asynchronous_ || stage->asynchronous();
  if (stage->observes_stored()) observers_.push_back(stage.get());
  stages_.push_back(std::move(stage));
}

void Pipeline::start(const LatestEventLookup& lookup) {
  for (auto* stage : observers_) stage->start(lookup);
}

Pipeline::~Pipeline() {
  auto all = counts();
  if (!log_ || all.empty()) return;
  std::string line = "pleb: policy decisions:";
  for (const auto& [key, count] : all) line.append(" ").append(key).append("=").append(std::to_string(count));
  log_->write(line);
}

Decision Pipeline::evaluate(const nostr::Event& event, const EventSource& source) {
  if (asynchronous_) {
    std::promise<Decision> decided;
    auto future = decided.get_future();
    continue_from(0, event, source,
                  [&decided](Decision decision) { decided.set_value(std::move(decision)); });
    return future.get();
  }
  for (const auto& stage : stages_) {
    Decision decision = stage->check(event, source);
    if (decision.verdict != Verdict::kAccept) {
      record(stage->name(), decision, event);
      return decision;
    }
  }
  accepted_.fetch_add(1, std::memory_order_relaxed);
  return Decision::accept();
}

void Pipeline::evaluate(const nostr::Event& event, const EventSource& source, DecisionCallback done) {
  continue_from(0, event, source, std::move(done));
}

void Pipeline::continue_from(std::size_t index, const nostr::Event& event, const EventSource& source,
                             DecisionCallback done) {
  for (; index < stages_.size(); ++index) {
    WritePolicy& stage = *stages_[index];
    if (stage.asynchronous()) {
      // The rest of the chain runs where the stage answers; the source is copied because the caller's
      // may be gone by then (the event is not: the caller keeps it until `done`).
      stage.check_async(event, source,
                        [self = shared_from_this(), index, &event, source,
                         done = std::move(done)](Decision decision) mutable {
                          if (decision.verdict != Verdict::kAccept) {
                            self->record(self->stages_[index]->name(), decision, event);
                            return done(std::move(decision));
                          }
                          self->continue_from(index + 1, event, source, std::move(done));
                        });
      return;
    }
    Decision decision = stage.check(event, source);
    if (decision.verdict != Verdict::kAccept) {
      record(stage.name(), decision, event);
      return done(std::move(decision));
    }
  }
  accepted_.fetch_add(1, std::memory_order_relaxed);
  done(Decision::accept());
}

void Pipeline::record(std::string_view stage, const Decision& decision, const nostr::Event& event) {
  static constexpr const char* kVerdicts[] = {"accept", "reject", "shadow-reject", "hold"};
  std::string key(stage);
  key.append("/").append(kVerdicts[static_cast<int>(decision.verdict)]);
  if (!decision.reason.empty()) key.append("/").append(decision.reason);
  {
    std::lock_guard lock(mutex_);
    ++counts_[key];
  }
  if (log_) log_->note(key, nostr::to_hex(event.id), decision.message);
}

std::map<std::string, std::uint64_t> Pipeline::counts() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::uint64_t> out(counts_.begin(), counts_.end());
  if (auto accepted = accepted_.load(std::memory_order_relaxed)) out["pipeline/accept"] = accepted;
  return out;
}

}  // namespace pleb::processor
