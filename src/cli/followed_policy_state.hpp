#pragma once
// The write policy's live sets in a scaled-out process that does not run the services (`pleb relay`,
// `pleb processor`): the moderators' bans and the community's members, read from the services' database
// and kept current from the bus (service_state_follower.hpp).
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "bus/bus.hpp"
#include "cli/service_state.hpp"
#include "metrics/exposition.hpp"
#include "processor/ban_list.hpp"
#include "processor/member_set.hpp"
#include "processor/policy_config.hpp"
#include "services/moderation/takedown_sweeps.hpp"

namespace pleb::store {
class ServiceDb;
}
namespace pleb::users {
class UserService;
}
namespace pleb::moderation {
class BanService;
}

namespace pleb::cli {

struct ApiConfig;
class ServiceStateFollower;

struct FollowedPolicyFlags {
  // Where `pleb api` keeps bans and members; empty: [api] database, else the store's PostgreSQL.
  std::string services_db;
  int refresh_seconds = 30;
};
void add_followed_policy_options(CLI::App& command, FollowedPolicyFlags& flags);

class FollowedPolicyState {
 public:
  // Where events are stored (`pleb processor`): takes what bans cover down (service_state.hpp), on each
  // ban message, and at full reads for the bans not yet swept three times (takedown_sweeps.hpp):
  // everything at the first read after start.
  using TakeDown = std::function<void(Takedown takedown)>;
  // Opens the services' database (`flags.services_db`, else `api.database`, else `store_url`), reads both
  // sets and follows the bus. Throws when the database cannot be opened or the bus refuses a subscription.
  FollowedPolicyState(const FollowedPolicyFlags& flags, const ApiConfig& api, const std::string& store_url,
                      bus::Bus& bus, TakeDown on_takedown = {});
  ~FollowedPolicyState();
  FollowedPolicyState(const FollowedPolicyState&) = delete;
  FollowedPolicyState& operator=(const FollowedPolicyState&) = delete;

  // Points `policy` at the live sets (at start and at every reload).
  void complete(processor::PolicyConfig& policy) const;
  // The live sets' sizes and how following them goes.
  void write_metrics(metrics::TextWriter& out) const;

 private:
  std::unique_ptr<store::ServiceDb> db_;
  std::unique_ptr<users::UserService> users_;
  std::unique_ptr<moderation::BanService> bans_;
  moderation::TakedownSweeps sweeps_;
  std::shared_ptr<processor::BanList> live_bans_ = std::make_shared<processor::BanList>();
  std::shared_ptr<processor::MemberSet> live_members_ = std::make_shared<processor::MemberSet>();
  std::unique_ptr<ServiceStateFollower> follower_;
};

}  // namespace pleb::cli
