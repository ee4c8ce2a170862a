#pragma once
// The plugin stage: an external program that decides about each event (strfry's write-policy plugin
// protocol, see plugin_protocol.hpp). Started once and kept running by a supervisor thread, which
// writes requests in order without waiting for answers (several may be outstanding), matches answers by
// id, and replaces the program when it exits, answers garbage or takes longer than the timeout. Nothing
// else ever waits for it: an event it does not answer in time gets `error:`.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "processor/write_policy.hpp"

namespace pleb::processor {

struct PluginConfig {
  std::vector<std::string> command;  // program and arguments
  std::chrono::milliseconds timeout{2000};
  std::size_t max_pending = 1000;  // events waiting for an answer; past it new ones are refused at once
  // Restarts after failures wait 0, then from min_backoff doubling up to max_backoff; one good answer resets.
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

class PluginPolicy : public WritePolicy {
 public:
  explicit PluginPolicy(PluginConfig config);
  ~PluginPolicy() override;
  std::string_view name() const override { return "plugin"; }
  bool asynchronous() const override { return true; }
  Decision check(const nostr::Event& event, const EventSource& source) override;
  void check_async(const nostr::Event& event, const EventSource& source, DecisionCallback done) override;

  class Supervisor;

 private:
  std::shared_ptr<Supervisor> supervisor_;
  std::thread thread_;
};

}  // namespace pleb::processor
