#include "relay/connection.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <optional>
#include <span>

#include "nostr/event_parse.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/kinds.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::relay {
namespace {

// How long one slice of a stored query may run before other work on this thread gets its turn.
constexpr std::chrono::microseconds kQuerySlice{2000};

std::string host_of(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  std::string host(url);
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Kinds the store keeps without comparing them to other events: not replaced by a newer version, and
// not a deletion, whose effect on other events is decided in the writer.
bool delivers_ahead_of_writer(std::uint32_t kind) {
  return !nostr::is_replaceable(kind) && !nostr::is_addressable(kind) && !nostr::is_ephemeral(kind) &&
         kind != nostr::kKindDeletion;
}
}  // namespace

// The OK message for a refused token bucket; the level tells the client which of its habits to change.
std::string rate_limited(const cache::RateDecision& decision) {
  std::string message = "rate-limited: ";
  if (decision.degraded) {
    message += "the shared rate limiter is unavailable, try again later";
    return message;
  }
  std::string_view level = decision.denied_level;
  if (level == "connection") {
    message += "too many events on this connection";
  } else if (level == "ip") {
    message += "too many events from your address";
  } else if (level == "pubkey") {
    message += "too many events from this author";
  } else {
    message += "the relay is receiving too many events";
  }
  message += ", try again in ";
  message += std::to_string(decision.retry_after);
  message += decision.retry_after == 1 ? " second" : " seconds";
  return message;
}

// The store's own words (a database host and port, a file path) are for the operator's log; the client
// learns only that it should try again.
std::string storage_failure_reply(const std::exception& failure) {
  std::cerr << "pleb: a query failed in the event store: " << failure.what() << "\n";
  return "error: the event store could not answer, try again later";
}

// A filter that names nothing in particular: a global feed, or a scraper's page.
bool is_broad(const nostr::Filter& filter) {
  return !filter.ids && !filter.authors && filter.tags.empty();
}

std::string id_of_author(const nostr::Event& event) {
  return nostr::to_hex(event.pubkey);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Connection::Connection(std::shared_ptr<Relay> relay, std::shared_ptr<http::WebSocketConnection> socket,
                       http::UpgradeInfo info)
    : relay_(std::move(relay)), socket_(std::move(socket)), info_(std::move(info)) {}

void Connection::start() {
  challenge_ = nostr::to_hex(nostr::random_bytes32());
  ++relay_->stats().active_connections;
  send(nostr::auth_challenge_message(challenge_));
}

void Connection::send(std::string message) {
  socket_->send(std::move(message));
}

void Connection::on_text(std::string_view text) {
  handle_message(nostr::parse_client_message(text, relay_->config().limits.message));
}

// The EVENTs of one read have their signatures checked as one batch (nostr/batch_verify.hpp), before
// any of the read's messages is handled; replies keep the messages' order.
void Connection::on_texts(std::span<const std::string_view> texts) {
  if (texts.size() < 2 || buckets_before_verify()) return MessageSink::on_texts(texts);
  std::vector<nostr::ClientMessage> messages;
  messages.reserve(texts.size());
  for (std::string_view text : texts) {
    messages.push_back(nostr::parse_client_message(text, relay_->config().limits.message));
  }
  // Events the cheap rules refuse are left to handle_event, which refuses them without a verification.
  // It decides every event anew (an AUTH earlier in the read may change what the rules say).
  std::vector<const nostr::Event*> events;
  std::vector<std::size_t> event_at;
  const std::int64_t now = unix_now();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto* event = std::get_if<nostr::EventMessage>(&messages[i]);
    if (event && !refusal_before_verify(event->event, now)) {
      events.push_back(&event->event);
      event_at.push_back(i);
    }
  }
  const std::vector<nostr::Status> statuses = nostr::verify_events(events);
  std::vector<const nostr::Status*> verified(messages.size(), nullptr);
  for (std::size_t k = 0; k < event_at.size(); ++k) verified[event_at[k]] = &statuses[k];
  for (std::size_t i = 0; i < messages.size(); ++i) handle_message(std::move(messages[i]), verified[i]);
}

bool Connection::buckets_before_verify() const {
  const auto& rates = relay_->config().event_limits;
  return relay_->rate_limiter() && (rates.per_connection || rates.per_ip || rates.global);
}

void Connection::handle_message(nostr::ClientMessage message, const nostr::Status* verified) {
  // Once the relay has decided to close, what follows (the rest of this read, or a later read before the
  // close frame is out) counts as arriving after the close: an EVENT stored now would never get its OK.
  if (closing_) return;
  std::visit(
      [this, verified](auto&& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, nostr::EventMessage>) {
          handle_event(std::move(m.event), verified);
        } else if constexpr (std::is_same_v<T, nostr::ReqMessage>) {
          handle_req(std::move(m));
        } else if constexpr (std::is_same_v<T, nostr::CountMessage>) {
          handle_count(std::move(m));
        } else if constexpr (std::is_same_v<T, nostr::CloseMessage>) {
          handle_close(m.subscription_id);
        } else if constexpr (std::is_same_v<T, nostr::AuthMessage>) {
          handle_auth(m.event);
        } else {
          handle_error(m);
        }
      },
      message);
}

void Connection::on_binary() {
  send(nostr::notice_message("invalid: binary messages are not supported"));
}

void Connection::on_overflow() {
  closing_ = true;
  relay_->stats().slow_reader_disconnects.fetch_add(1, std::memory_order_relaxed);
}

void Connection::on_oversize(std::size_t limit) {
  send(nostr::notice_message("invalid: message is larger than " + std::to_string(limit) + " bytes"));
}

void Connection::on_close() {
  closed_ = true;
  relay_->subscriptions().remove_connection(socket_->id());
  subscriptions_.clear();
  --relay_->stats().active_connections;
}

void Connection::handle_error(const nostr::MessageError& error) {
  using Reply = nostr::MessageError::Reply;
  switch (error.reply) {
    case Reply::kOk:
      relay_->stats().count_rejection(error.reason);
      send(nostr::ok_message(error.id, false, error.reason));
      break;
    case Reply::kClosed:
      send(nostr::closed_message(error.id, error.reason));
      break;
    case Reply::kNotice:
      send(nostr::notice_message(error.reason));
      break;
  }
}

// Cheap rules first: a signature check costs 30-40 µs, and refused events should not cost that much.
std::optional<std::string> Connection::refusal_before_verify(const nostr::Event& event,
                                                             std::int64_t now) const {
  const auto& config = relay_->config();
  if (config.auth_required_for_writes && authenticated_.empty()) {
    return "auth-required: this relay only accepts events from authenticated users";
  }
  if (nostr::is_protected(event) && !authenticated_.contains(event.pubkey)) {
    return "auth-required: this event may only be published by its author";
  }
  if (event.kind == nostr::kKindClientAuth) return "invalid: kind 22242 is only for AUTH messages";
  const auto& limits = config.limits;
  if (event.created_at > now + limits.created_at_future_seconds) {
    return "invalid: created_at is too far in the future";
  }
  if (limits.created_at_past_seconds > 0 && event.created_at < now - limits.created_at_past_seconds) {
    return "invalid: created_at is too far in the past";
  }
  if (nostr::is_expired(event, now)) return "invalid: event has expired";
  return std::nullopt;
}

void Connection::handle_event(nostr::Event event, const nostr::Status* verified_early) {
  auto& stats = relay_->stats();
  ++stats.events_received;
  auto arrived = std::chrono::steady_clock::now();
  const auto& config = relay_->config();
  std::string id = nostr::to_hex(event.id);
  auto refuse = [&](std::string reason) {
    stats.count_rejection(reason);
    send(nostr::ok_message(id, false, reason));
    stats.event_duration.observe(seconds_since(arrived));
  };
  const std::int64_t now = unix_now();
  if (auto refusal = refusal_before_verify(event, now)) return refuse(std::move(*refusal));
  const auto& rates = config.event_limits;
  auto* limiter = relay_->rate_limiter();
  if (buckets_before_verify()) {
    cache::RequestLimits before_verify = rates;
    before_verify.per_pubkey.reset();
    auto decision = cache::check_request(*limiter, before_verify, {info_.remote_address, {}, {}, challenge_});
    if (!decision.allowed) return refuse(rate_limited(decision));
  }
  if (auto verified = verified_early ? *verified_early : nostr::verify_event(event); !verified) {
    return refuse("invalid: " + verified.error());
  }
  if (limiter && rates.per_pubkey) {
    cache::RequestLimits per_author;
    per_author.per_pubkey = rates.per_pubkey;
    auto decision = cache::check_request(*limiter, per_author, {{}, id_of_author(event), {}, {}});
    if (!decision.allowed) return refuse(rate_limited(decision));
  }

  processor::EventSource source;
  source.type = info_.remote_address.find(':') == std::string::npos ? "IP4" : "IP6";
  source.info = info_.remote_address;
  if (!authenticated_.empty()) source.authed_pubkey = *authenticated_.begin();
  source.now = now;
  auto pipeline = relay_->pipeline();
  if (pipeline->asynchronous()) {
    // A stage waits on something outside the process (a plugin): this strand goes on with other messages
    // and the decision comes back to it later.
    auto held = std::make_shared<nostr::Event>(std::move(event));
    pipeline->evaluate(
        *held, source, [self = shared_from_this(), held, source, arrived](processor::Decision decision) {
          self->socket_->post([self, held, source, arrived, decision = std::move(decision)]() mutable {
            self->conclude_event(std::move(*held), std::move(decision), source, arrived);
          });
        });
    return;
  }
  auto decision = pipeline->evaluate(event, source);
  conclude_event(std::move(event), std::move(decision), source, arrived);
}

void Connection::answer_hold(const std::string& id, const std::string& refusal,
                             std::chrono::steady_clock::time_point arrived) {
  auto& stats = relay_->stats();
  if (refusal.empty()) {
    ++stats.events_held;
    send(nostr::ok_message(id, true, "held for moderation"));
  } else {
    stats.count_rejection(refusal);
    send(nostr::ok_message(id, false, refusal));
  }
  stats.event_duration.observe(seconds_since(arrived));
}

void Connection::conclude_event(nostr::Event event, processor::Decision decision,
                                const processor::EventSource& source,
                                std::chrono::steady_clock::time_point arrived) {
  auto& stats = relay_->stats();
  std::string id = nostr::to_hex(event.id);
  if (decision.verdict == processor::Verdict::kReject) {
    stats.count_rejection(decision.message);
    send(nostr::ok_message(id, false, decision.message));
    stats.event_duration.observe(seconds_since(arrived));
    return;
  }
  if (decision.verdict == processor::Verdict::kHold) {
    // Kept apart for moderators: not stored with the others, not sent to anyone until approved. The
    // answer comes back to this strand once the hold is written.
    const auto& sink = relay_->hold_sink();
    if (!sink) return answer_hold(id, decision.message, arrived);
    sink(event, decision.reason, [self = shared_from_this(), id, arrived](std::string refusal) {
      self->socket_->post(
          [self, id, arrived, refusal = std::move(refusal)] { self->answer_hold(id, refusal, arrived); });
    });
    return;
  }
  if (decision.verdict == processor::Verdict::kShadowReject) {
    // The author is told it worked; nothing is stored or sent to anyone.
    ++stats.events_shadow_rejected;
    send(nostr::ok_message(id, true, ""));
    stats.event_duration.observe(seconds_since(arrived));
    return;
  }

  auto published = std::make_shared<Published>();
  published->json = nostr::to_json(event);
  published->event = std::move(event);
  if (nostr::is_ephemeral(published->event.kind) && !relay_->writer().handles_ephemeral()) {
    ++stats.events_ephemeral;
    send(nostr::ok_message(id, true, ""));
    stats.event_duration.observe(seconds_since(arrived));
    relay_->subscriptions().publish(published);
    return;
  }
  // Subscribers get the event as soon as its batch is applied, without waiting for the disk flush;
  // the author's OK goes out only after the commit. Fanning out first also means a client that saw OK
  // and then subscribes does not get this event again as a live one after its EOSE.
  // A regular event the committed store does not know, which nothing in flight duplicates or deletes,
  // is stored unless storage fails: it goes to subscribers now, so that a stalled flush of an earlier
  // batch (tens of milliseconds on some disks) does not hold its delivery.
  const bool clear = relay_->in_flight().enter(published->event);
  const bool deliver_now = clear && delivers_ahead_of_writer(published->event.kind) &&
                           relay_->subscriptions().wants(published->event) &&
                           relay_->writer().known_new(published->event);
  auto applied = [relay = relay_, published, deliver_now](const store::WriteResult& result) {
    if (result.ok() && !deliver_now) relay->subscriptions().publish(published);
  };
  auto committed = [relay = relay_, socket = socket_, id = std::move(id), arrived, published,
                    ephemeral = nostr::is_ephemeral(published->event.kind)](store::WriteResult result) {
    relay->in_flight().leave(published->event);
    auto& stats = relay->stats();
    if (result.ok()) {
      ++(ephemeral ? stats.events_ephemeral : stats.events_stored);
      if (!ephemeral) {
        relay->note_stored(published->event);
        if (relay->stored_listener()) relay->stored_listener()(published->event);
      }
    } else {
      stats.count_rejection(result.message);
    }
    socket->send(nostr::ok_message(id, result.ok(), result.message));
    stats.event_duration.observe(seconds_since(arrived));
  };
  store::EventOrigin origin{source.type, source.info, source.authed_pubkey};
  // A full queue or a stopping writer answers inside submit_shared(), and a failed write may be
  // answered before the delivery below: neither is delivered.
  auto failed = std::make_shared<std::atomic<bool>>(false);
  auto answer = [committed = std::move(committed), failed](store::WriteResult result) mutable {
    if (!result.ok()) failed->store(true);
    committed(std::move(result));
  };
  // The writer shares the event and its JSON with the subscribers rather than copying it.
  relay_->writer().submit_shared(std::shared_ptr<const nostr::Event>(published, &published->event),
                                 published->json, origin, std::move(answer), std::move(applied));
  // Before this connection's strand can send the OK, so a client that subscribes on seeing it gets the
  // event from the store, not again as a live one.
  if (deliver_now && !failed->load()) relay_->subscriptions().publish(published);
}

bool Connection::is_restricted_kind(std::uint32_t kind) const {
  const auto& kinds = relay_->config().restricted_read_kinds;
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

bool Connection::touches_restricted_kinds(const nostr::Filter& filter) const {
  if (!filter.kinds) return !relay_->config().restricted_read_kinds.empty();
  return std::any_of(filter.kinds->begin(), filter.kinds->end(),
                     [this](auto k) { return is_restricted_kind(k); });
}

bool Connection::may_see(const nostr::Event& event) const {
  if (!is_restricted_kind(event.kind)) return true;
  if (authenticated_.contains(event.pubkey)) return true;
  for (const auto& tag : event.tags) {
    if (tag.size() >= 2 && tag[0] == "p") {
      auto recipient = nostr::parse_hex_lower<32>(tag[1]);
      if (recipient && authenticated_.contains(*recipient)) return true;
    }
  }
  return false;
}

bool Connection::may_see_json(std::uint32_t kind, const nostr::Bytes32& author, std::string_view json) const {
  if (!is_restricted_kind(kind)) return true;
  if (authenticated_.empty()) return false;
  if (authenticated_.contains(author)) return true;
  auto event = nostr::parse_event(json);  // rare: a restricted kind for a signed-in reader
  return event && may_see(*event);
}

std::string Connection::read_refusal(const std::vector<nostr::Filter>& filters) const {
  if (relay_->config().auth_required_for_reads && authenticated_.empty()) {
    return "auth-required: this relay only serves authenticated users";
  }
  // Asking for restricted kinds by name before signing in gets a clear answer rather than silence.
  for (const auto& filter : filters) {
    if (filter.kinds && touches_restricted_kinds(filter) && authenticated_.empty()) {
      return "auth-required: direct messages and gift wraps are only served to their participants";
    }
  }
  // Walking a relay's whole history backwards through a global feed is scraping, not reading.
  const auto& limits = relay_->config().limits;
  if (limits.broad_filter_max_age_seconds > 0) {
    std::int64_t oldest = unix_now() - limits.broad_filter_max_age_seconds;
    for (const auto& filter : filters) {
      if (is_broad(filter) && filter.until && *filter.until < oldest) {
        return "blocked: filters without ids, authors or tags may not reach back more than " +
               std::to_string(limits.broad_filter_max_age_seconds) + " seconds";
      }
    }
  }
  return {};
}

void Connection::apply_limits(std::vector<nostr::Filter>& filters) const {
  const auto& limits = relay_->config().limits;
  for (auto& filter : filters) {
    filter.limit = std::min(filter.limit.value_or(limits.default_limit), limits.max_limit);
    if (limits.broad_filter_max_limit > 0 && is_broad(filter)) {
      filter.limit = std::min(*filter.limit, limits.broad_filter_max_limit);
    }
  }
}

void Connection::handle_req(nostr::ReqMessage request) {
  const std::string& id = request.subscription_id;
  bool replacing = subscriptions_.contains(id);
  if (replacing) {
    relay_->subscriptions().remove(socket_->id(), id);
    subscriptions_.erase(id);
  }
  const auto& limits = relay_->config().limits;
  if (subscriptions_.size() >= limits.max_subscriptions) {
    send(nostr::closed_message(
        id, "error: too many subscriptions (at most " + std::to_string(limits.max_subscriptions) + ")"));
    return;
  }
  if (auto refusal = read_refusal(request.filters); !refusal.empty()) {
    send(nostr::closed_message(id, refusal));
    return;
  }
  apply_limits(request.filters);
  ++relay_->stats().queries;
  auto subscription = std::make_shared<Subscription>();
  subscription->id = id;
  subscription->event_prefix = std::make_shared<const std::string>(nostr::event_message_prefix(id));
  subscription->filters = request.filters;
  // Live first, then the stored query: nothing committed in between can be missed; duplicates are dropped.
  relay_->subscriptions().add(socket_->id(), weak_from_this(), id, std::move(request.filters));
  subscription->cursor = relay_->store().query_json(subscription->filters, unix_now());
  subscriptions_[id] = subscription;
  continue_query(subscription);
}

void Connection::continue_query(std::shared_ptr<Subscription> subscription) {
  auto it = subscriptions_.find(subscription->id);
  if (closed_ || it == subscriptions_.end() || it->second != subscription) return;  // closed or replaced
  bool done = false;
  std::size_t produced = 0;
  // How much one slice may queue for the client. Past it the next slice waits until the client has
  // taken everything: a stored query follows the reader's pace and never fills the outgoing queue.
  const std::size_t slice_bytes = relay_->config().max_outgoing_bytes / 4;
  try {
    done = subscription->cursor->step(kQuerySlice, [&](const store::StoredEvent& stored) {
      if (!may_see_json(stored.event.kind, stored.event.pubkey, stored.json)) return true;
      subscription->sent_before_eose.insert(nostr::to_hex(stored.event.id));
      auto message = std::make_shared<const std::string>(nostr::event_message(subscription->id, stored.json));
      produced += message->size();
      socket_->send_on_strand(http::OutgoingMessage{std::move(message), nullptr, {}});
      if (produced >= slice_bytes) subscription->cursor->pause();
      return true;
    });
  } catch (const std::exception& e) {
    // Storage failed: this subscription ends with a reason; the connection and the others go on.
    relay_->subscriptions().remove(socket_->id(), subscription->id);
    send(nostr::closed_message(subscription->id, storage_failure_reply(e)));
    subscriptions_.erase(it);
    return;
  }
  if (done) {
    finish_query(*subscription);
    return;
  }
  auto next = [self = shared_from_this(), subscription] { self->continue_query(subscription); };
  if (produced >= slice_bytes) {
    socket_->when_drained(0, std::move(next));
  } else {
    socket_->post(std::move(next));
  }
}

void Connection::finish_query(Subscription& subscription) {
  subscription.cursor.reset();
  subscription.eose = true;
  send(nostr::eose_message(subscription.id));
  for (const auto& published : subscription.live_before_eose) {
    if (!subscription.sent_before_eose.contains(nostr::to_hex(published->event.id))) {
      send_live_event(subscription, published);
    }
  }
  subscription.live_before_eose.clear();
  subscription.sent_before_eose.clear();
}

// The event's JSON is shared by every subscriber it goes to; only the small prefix is per subscription.
void Connection::send_live_event(const Subscription& subscription,
                                 const std::shared_ptr<const Published>& event) {
  std::shared_ptr<const std::string> json(event, &event->json);
  socket_->send_on_strand(http::OutgoingMessage{subscription.event_prefix, std::move(json), "]"});
}

void Connection::deliver(std::shared_ptr<const Published> event, std::vector<std::string> subscription_ids) {
  socket_->post([self = shared_from_this(), event = std::move(event), ids = std::move(subscription_ids)] {
    if (self->closed_ || !self->may_see(event->event)) return;
    for (const auto& id : ids) {
      auto it = self->subscriptions_.find(id);
      if (it == self->subscriptions_.end()) continue;
      auto& subscription = *it->second;
      if (subscription.eose) {
        self->send_live_event(subscription, event);
      } else {
        subscription.live_before_eose.push_back(event);
      }
    }
  });
}

void Connection::handle_close(const std::string& subscription_id) {
  relay_->subscriptions().remove(socket_->id(), subscription_id);
  subscriptions_.erase(subscription_id);
}

void Connection::handle_count(nostr::CountMessage request) {
  const std::string& id = request.subscription_id;
  if (auto refusal = read_refusal(request.filters); !refusal.empty()) {
    send(nostr::closed_message(id, refusal));
    return;
  }
  ++relay_->stats().counts;
  std::int64_t now = unix_now();
  bool restricted = std::any_of(request.filters.begin(), request.filters.end(),
                                [this](const auto& f) { return touches_restricted_kinds(f); });
  std::uint64_t count = 0;
  try {
    count = count_visible(request.filters, restricted, now);
  } catch (const std::exception& e) {
    send(nostr::closed_message(id, storage_failure_reply(e)));
    return;
  }
  send(nostr::count_message(id, count));
}

std::uint64_t Connection::count_visible(std::vector<nostr::Filter>& filters, bool restricted,
                                        std::int64_t now) {
  std::uint64_t count = 0;
  if (!restricted) {
    count = relay_->store().count(filters, now);
  } else {
    // Counting must not reveal what may not be read: walk the matches and apply the same visibility.
    for (auto& filter : filters) filter.limit.reset();
    auto cursor = relay_->store().query_json(filters, now);
    while (!cursor->step(std::chrono::milliseconds(50), [&](const store::StoredEvent& stored) {
      count += may_see_json(stored.event.kind, stored.event.pubkey, stored.json);
      return true;
    })) {
    }
  }
  return count;
}

void Connection::handle_auth(const nostr::Event& event) {
  std::string id = nostr::to_hex(event.id);
  auto refuse = [&](const std::string& reason) { send(nostr::ok_message(id, false, reason)); };
  if (event.kind != nostr::kKindClientAuth) return refuse("invalid: AUTH event must be kind 22242");
  if (auto verified = nostr::verify_event(event); !verified) return refuse("invalid: " + verified.error());
  if (std::llabs(event.created_at - unix_now()) > 600)
    return refuse("invalid: AUTH event is too old or too new");
  auto challenge = event.first_tag_value("challenge");
  if (!challenge || *challenge != challenge_) return refuse("invalid: AUTH challenge does not match");
  auto relay_tag = event.first_tag_value("relay");
  const auto& configured = relay_->config().info.relay_url;
  std::string expected = host_of(configured.empty() ? info_.host : configured);
  if (!relay_tag || host_of(*relay_tag) != expected) {
    return refuse("invalid: AUTH relay tag must name this relay (" + expected + ")");
  }
  authenticated_.insert(event.pubkey);
  send(nostr::ok_message(id, true, ""));
}

}  // namespace pleb::relay
