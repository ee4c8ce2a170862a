#pragma once
// The REST side of a process: service database, user service, API router with its rate limiter, and
// NIP-05's /.well-known/nostr.json, mounted on the relay's port (`pleb serve`) or on their own (`pleb api`).
#include <functional>
#include <memory>

#include <optional>
#include <string>
#include <vector>

#include "cache/rate_limiter.hpp"
#include "http/server.hpp"
#include "nostr/nip98.hpp"

#include "nostr/event.hpp"

namespace pleb::store {
class ServiceDb;
}
namespace pleb::users {
class UserService;
}
namespace pleb::api {
class Router;
}
namespace pleb::moderation {
class ModerationService;
class BanService;
struct ModerationConfig;
struct Ban;
struct BanChange;
}  // namespace pleb::moderation

namespace pleb::cli {

struct ApiConfig {
  std::string public_url;                 // base URL clients sign in NIP-98 `u` tags; empty: http://<Host>
  std::vector<std::string> cors_origins;  // "*" or exact origins
  std::vector<nostr::Bytes32> admins;     // the operator's pubkeys
  std::string session_secret;             // HS256 key (>= 32 bytes); also $PLEB_SESSION_SECRET
  std::int64_t session_lifetime_seconds = 900;
  std::vector<std::string> reserved_names;  // empty: the built-in list
  std::vector<std::string> nip05_relays;    // advertised for every name in nostr.json
  std::string database;                     // SQLite path or postgresql:// URL; empty: <data>/services.db
  // Token buckets before every API handler ([api.rate_limits]); per IP on by default.
  cache::RequestLimits rate_limits = default_rate_limits();
  static cache::RequestLimits default_rate_limits();
};

// What differs between one process and several: where counters and used NIP-98 ids are shared, and
// who hears of new accounts. Null members: this process's memory, nobody.
struct ApiBackends {
  std::shared_ptr<cache::RateLimiter> limiter;
  std::shared_ptr<nostr::nip98::ReplayMemory> replay;
  std::function<void(const nostr::Bytes32& pubkey)> on_registered;
  // Told of every ban made or lifted, and of everyone who joins or leaves (once stored): the write
  // policy's live sets follow them.
  std::function<void(const moderation::BanChange& change)> on_ban_change;
  std::function<void(const nostr::Bytes32& pubkey, bool member)> on_membership;
  // Events held for moderators, at most this many waiting; unset: no moderation queue (a scaled-out
  // relay refuses the writes it would hold).
  std::optional<std::size_t> max_held;
};

class ApiStack {
 public:
  // Opens (and migrates) the service database.
  ApiStack(const ApiConfig& config, const std::string& data_dir, ApiBackends backends = {});
  ~ApiStack();
  ApiStack(const ApiStack&) = delete;
  ApiStack& operator=(const ApiStack&) = delete;

  // The API's answer for targets it owns (/api/..., /.well-known/nostr.json); nullopt otherwise.
  std::optional<http::HttpResponse> handle(const http::HttpRequest& request);
  // Every stored event, so profiles follow their authors' kind-0 events.
  void on_stored_event(const nostr::Event& event);
  // The community's members (the user service's, and the configured admins), for the write policy's
  // members and trust seeds.
  std::vector<nostr::Bytes32> member_pubkeys();
  // Every ban the moderators made, for the write policy's live ban list.
  std::vector<moderation::Ban> bans();
  // Whether the pubkey holds a NIP-05 name here (for [policy] nip05_required).
  bool has_nip05_name(const nostr::Bytes32& pubkey);
  api::Router& router() { return *router_; }
  // The moderation queue; null unless ApiBackends::max_held was set.
  moderation::ModerationService* moderation() { return moderation_.get(); }

 private:
  std::unique_ptr<store::ServiceDb> db_;
  std::unique_ptr<users::UserService> users_;
  std::unique_ptr<moderation::ModerationService> moderation_;
  std::unique_ptr<moderation::BanService> bans_;
  std::shared_ptr<cache::RateLimiter> limiter_;
  std::unique_ptr<api::Router> router_;
};

}  // namespace pleb::cli
