#include "cli/followed_policy_state.hpp"

#include "cli/api_stack.hpp"
#include "cli/service_state.hpp"
#include "cli/service_state_follower.hpp"
#include "services/moderation/ban_service.hpp"
#include "services/moderation/takedown_sweeps.hpp"
#include "services/users/user_service.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::cli {

void add_followed_policy_options(CLI::App& command, FollowedPolicyFlags& flags) {
  command.add_option("--services-db", flags.services_db,
                     "the services' database, for the moderators' bans and the community's members "
                     "(default: [api] database, else the store's PostgreSQL)");
  command
      .add_option(
          "--services-refresh-seconds", flags.refresh_seconds,
          "how often bans and members are re-read from the services' database, to make up for changes "
          "missed while the bus was away (default 30)")
      ->check(CLI::Range(1, 86400));
}

FollowedPolicyState::FollowedPolicyState(const FollowedPolicyFlags& flags, const ApiConfig& api,
                                         const std::string& store_url, bus::Bus& bus, TakeDown on_takedown) {
  std::string location = flags.services_db;
  if (location.empty()) location = api.database;
  if (location.empty()) location = store_url;
  db_ = store::ServiceDb::open(location, 1);  // a full read now and then: one connection is plenty
  users::UsersConfig users_config;
  users_config.admins = api.admins;  // members by configuration, as in the API
  users_ = std::make_unique<users::UserService>(*db_, users_config);
  bans_ = std::make_unique<moderation::BanService>(*db_);
  std::vector<FollowedState> states;
  states.push_back({"bans", std::string(bus::subjects::moderation_action),
                    [this, on_takedown](std::string_view payload) {
                      auto change = read_ban_message(payload);
                      if (!change || !apply_ban_change(*live_bans_, *change)) return false;
                      if (on_takedown) on_takedown(takedown_for(*change));
                      return true;
                    },
                    [this, on_takedown] {
                      auto bans = bans_->all();
                      live_bans_->replace(ban_entries(bans));
                      if (on_takedown) on_takedown(takedown_for(sweeps_.next(bans)));
                    }});
  states.push_back(
      {"members", std::string(bus::subjects::user_membership),
       [this](std::string_view payload) { return apply_membership_message(*live_members_, payload); },
       [this] { live_members_->replace(users_->member_pubkeys()); }});
  follower_ = std::make_unique<ServiceStateFollower>(bus, std::move(states),
                                                     std::chrono::seconds(flags.refresh_seconds));
}

FollowedPolicyState::~FollowedPolicyState() = default;

void FollowedPolicyState::write_metrics(metrics::TextWriter& out) const {
  write_live_policy_metrics(*live_bans_, *live_members_, out);
  follower_->write_metrics(out);
}

void FollowedPolicyState::complete(processor::PolicyConfig& policy) const {
  policy.live_bans = live_bans_;
  policy.live_members = live_members_;
}

}  // namespace pleb::cli
