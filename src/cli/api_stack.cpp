#include "cli/api_stack.hpp"

#include <cstdlib>
#include <filesystem>

#include "cache/memory/memory_rate_limiter.hpp"
#include "http/api/router.hpp"
#include "nostr/bytes.hpp"
#include "services/moderation/ban_routes.hpp"
#include "services/moderation/ban_service.hpp"
#include "services/moderation/moderation_service.hpp"
#include "services/moderation/routes.hpp"
#include "services/users/routes.hpp"
#include "services/users/user_service.hpp"
#include "services/users/well_known.hpp"
#include "store/service_db/service_db.hpp"

namespace pleb::cli {

cache::RequestLimits ApiConfig::default_rate_limits() {
  cache::RequestLimits limits;
  limits.per_ip = cache::RateRule{300, 50};
  return limits;
}

ApiStack::ApiStack(const ApiConfig& config, const std::string& data_dir, ApiBackends backends)
    : limiter_(backends.limiter ? std::move(backends.limiter)
                                : std::make_shared<cache::MemoryRateLimiter>()) {
  std::string location = config.database;
  if (location.empty()) location = (std::filesystem::path(data_dir) / "services.db").string();
  db_ = store::ServiceDb::open(location);

  users::UsersConfig users_config;
  if (!config.reserved_names.empty()) users_config.reserved_names = config.reserved_names;
  users_config.admins = config.admins;
  users_config.relays = config.nip05_relays;
  users_ = std::make_unique<users::UserService>(*db_, users_config, std::move(backends.on_registered),
                                                std::move(backends.on_membership));
  bans_ = std::make_unique<moderation::BanService>(*db_, std::move(backends.on_ban_change));

  api::RouterOptions options;
  options.public_url = config.public_url;
  options.cors_origins = config.cors_origins;
  options.admins = config.admins;
  options.roles = users_->role_resolver();
  options.session_secret = config.session_secret;
  if (const char* secret = std::getenv("PLEB_SESSION_SECRET"); secret && *secret) {
    options.session_secret = secret;
  }
  options.session_lifetime = std::chrono::seconds(config.session_lifetime_seconds);
  options.replay = std::move(backends.replay);
  options.rate_limiter = [limiter = limiter_, limits = config.rate_limits](
                             std::string_view ip, const std::optional<nostr::Bytes32>& pubkey,
                             const api::RouteInfo& route) {
    std::string author = pubkey ? nostr::to_hex(*pubkey) : std::string();
    std::string route_name = route.method + " " + route.pattern;
    auto decision = cache::check_request(*limiter, limits, {ip, author, route_name, {}});
    return api::RateDecision{decision.allowed, std::chrono::seconds(decision.retry_after)};
  };
  router_ = std::make_unique<api::Router>(std::move(options));
  users::add_user_routes(*router_, *users_);
  moderation::add_ban_routes(*router_, *bans_);
  if (backends.max_held) {
    moderation_ = std::make_unique<moderation::ModerationService>(
        *db_, moderation::ModerationConfig{*backends.max_held});
    moderation::add_moderation_routes(*router_, *moderation_);
  }
}

ApiStack::~ApiStack() = default;

std::optional<http::HttpResponse> ApiStack::handle(const http::HttpRequest& request) {
  if (api::Router::serves(request.target)) return router_->handle(request);
  std::string_view path(request.target);
  path = path.substr(0, path.find('?'));
  if (path == users::kNostrJsonPath) return users::nostr_json_response(*users_, request);
  return std::nullopt;
}

std::vector<nostr::Bytes32> ApiStack::member_pubkeys() {
  return users_->member_pubkeys();
}

std::vector<moderation::Ban> ApiStack::bans() {
  return bans_->all();
}

bool ApiStack::has_nip05_name(const nostr::Bytes32& pubkey) {
  try {
    auto account = users_->account(pubkey);
    return account && account->nip05.has_value();
  } catch (const std::exception&) {
    return false;  // the service database is away: the stage refuses rather than lets anyone in
  }
}

void ApiStack::on_stored_event(const nostr::Event& event) {
  users_->on_validated_event(event);
}

}  // namespace pleb::cli
