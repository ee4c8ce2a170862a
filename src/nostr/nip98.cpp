#include "nostr/nip98.hpp"
#include "nostr/base64.hpp"

#include <sodium.h>

#include <cstring>
#include <optional>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/kinds.hpp"
#include "nostr/sha256.hpp"

namespace pleb::nostr::nip98 {
namespace {

// An authorization event carries two or three short tags; these bounds keep a hostile header cheap.
constexpr std::size_t kMaxCredentialChars = 16 * 1024;
constexpr EventLimits kAuthEventLimits{
    .max_event_bytes = 12 * 1024,
    .max_content_bytes = 4 * 1024,
    .max_tags = 32,
    .max_tag_values = 16,
    .max_tag_value_bytes = 4096,
    .max_depth = 8,
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Status check_tags(const Event& event, const HttpRequestFacts& request) {
  auto url = event.first_tag_value("u");
  if (!url) return failed("authorization event has no u tag");
  if (*url != request.url) {
    std::string reason = "authorization u tag does not match the request URL ";
    reason.append(request.url);
    return failed(std::move(reason));
  }
  auto method = event.first_tag_value("method");
  if (!method) return failed("authorization event has no method tag");
  // Methods are compared without case: some client libraries sign "post" for POST.
  if (!equals_ignoring_case(*method, request.method)) {
    std::string reason = "authorization method tag does not match the request method ";
    reason.append(request.method);
    return failed(std::move(reason));
  }
  auto payload = event.first_tag_value("payload");
  if (!payload) {
    if (!request.body.empty()) return failed("authorization event has no payload tag (required with a body)");
    return ok_status();
  }
  Bytes32 digest = sha256(request.body);
  if (*payload != to_hex(digest)) return failed("authorization payload tag is not the SHA-256 of the body");
  return ok_status();
}

}  // namespace

std::size_t InMemoryReplayMemory::IdHash::operator()(const Bytes32& id) const {
  // Ids are SHA-256 outputs: any eight of their bytes are already uniformly spread.
  std::size_t hash = 0;
  std::memcpy(&hash, id.data(), sizeof hash);
  return hash;
}

void InMemoryReplayMemory::forget_expired(std::int64_t now) {
  while (!by_expiry_.empty() && by_expiry_.top().forget_at <= now) {
    ids_.erase(by_expiry_.top().id);
    by_expiry_.pop();
  }
}

ReplayMemory::Use InMemoryReplayMemory::record(const Bytes32& id, std::int64_t forget_at, std::int64_t now) {
  std::lock_guard lock(mutex_);
  forget_expired(now);
  if (ids_.contains(id)) return Use::kReplay;
  if (ids_.size() >= capacity_) return Use::kFull;
  ids_.insert(id);
  by_expiry_.push(Entry{forget_at, id});
  return Use::kFirst;
}

std::size_t InMemoryReplayMemory::size() const {
  std::lock_guard lock(mutex_);
  return ids_.size();
}

Result<Event> verify_authorization(std::string_view credentials, const HttpRequestFacts& request,
                                   ReplayMemory* replay) {
  using R = Result<Event>;
  if (credentials.size() > kMaxCredentialChars) return R::failure("authorization is too long");
  auto json = from_base64(credentials, Base64Padding::kOptional);
  if (!json) return R::failure("authorization is not valid base64");
  auto parsed = parse_event(*json, kAuthEventLimits);
  if (!parsed) return R::failure("authorization event is malformed: " + parsed.error());
  Event& event = *parsed;

  // The cheap checks come first, so that forged headers cost no signature verification.
  if (event.kind != kKindHttpAuth) return R::failure("authorization event must be kind 27235");
  if (event.created_at < request.now - kMaxClockSkewSeconds) {
    return R::failure("authorization event is too old (created_at more than 60 s before now)");
  }
  if (event.created_at > request.now + kMaxClockSkewSeconds) {
    return R::failure("authorization event is from the future (created_at more than 60 s after now)");
  }
  if (auto tags = check_tags(event, request); !tags) return R::failure(tags.error());
  if (auto verified = verify_event(event); !verified) {
    return R::failure("authorization event is not authentic: " + verified.error());
  }
  if (replay) {
    // Past this instant the event is too old to be accepted anyway, so it need not be remembered longer.
    std::int64_t forget_at = event.created_at + kMaxClockSkewSeconds + 1;
    switch (replay->record(event.id, forget_at, request.now)) {
      case ReplayMemory::Use::kFirst:
        break;
      case ReplayMemory::Use::kReplay:
        return R::failure("authorization event was already used");
      case ReplayMemory::Use::kFull:
        return R::failure("too many recent authorization events to remember; try again in a minute");
    }
  }
  return parsed;
}

std::string encode_authorization(const Event& event) {
  return to_base64(to_json(event));
}

}  // namespace pleb::nostr::nip98
