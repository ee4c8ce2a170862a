#pragma once
// The built-in stages that need no outside state: kind lists, NIP-13 proof of work, ban lists.
#include <functional>
#include <set>
#include <unordered_map>

#include "processor/ban_list.hpp"
#include "processor/member_set.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

// Kinds accepted: when `allow` is non-empty only those; `deny` is refused either way.
class KindPolicy : public WritePolicy {
 public:
  KindPolicy(std::set<std::uint32_t> allow, std::set<std::uint32_t> deny)
      : allow_(std::move(allow)), deny_(std::move(deny)) {}
  std::string_view name() const override { return "kinds"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;

 private:
  std::set<std::uint32_t> allow_, deny_;
};

// NIP-13: a minimum number of leading zero bits of the id, with per-kind overrides. An author who
// committed to a lower target in the nonce tag is refused even if the id happens to be better.
class PowPolicy : public WritePolicy {
 public:
  PowPolicy(int minimum, std::unordered_map<std::uint32_t, int> per_kind)
      : minimum_(minimum), per_kind_(std::move(per_kind)) {}
  std::string_view name() const override { return "pow"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;
  int required_for(std::uint32_t kind) const;

 private:
  int minimum_;
  std::unordered_map<std::uint32_t, int> per_kind_;
};

// Banned authors, event ids and source addresses; shadow-banned authors get OK true and nothing stored.
// Two sources: the configured lists ([policy], fixed until a reload) and the moderators' live list.
class BanPolicy : public WritePolicy {
 public:
  struct Lists {
    std::set<nostr::Bytes32> pubkeys, shadow_pubkeys, event_ids;
    std::set<std::string> addresses;
  };
  explicit BanPolicy(Lists lists, std::shared_ptr<const BanList> live = nullptr)
      : lists_(std::move(lists)), live_(std::move(live)) {}
  std::string_view name() const override { return "bans"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;

 private:
  Lists lists_;
  std::shared_ptr<const BanList> live_;
};

// Only authors with a NIP-05 name on this community (the user service's lookup), or its members.
class Nip05Policy : public WritePolicy {
 public:
  using Lookup = std::function<bool(const nostr::Bytes32& pubkey)>;
  Nip05Policy(Lookup has_name, std::set<nostr::Bytes32> members,
              std::shared_ptr<const MemberSet> live = nullptr)
      : has_name_(std::move(has_name)), members_(std::move(members)), live_(std::move(live)) {}
  std::string_view name() const override { return "nip05"; }
  Decision check(const nostr::Event& event, const EventSource& source) override;

 private:
  Lookup has_name_;
  std::set<nostr::Bytes32> members_;
  std::shared_ptr<const MemberSet> live_;
};

}  // namespace pleb::processor
