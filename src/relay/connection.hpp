#pragma once
// One client's session: its subscriptions, its NIP-42 identity and the messages it sends.
// Every member is touched only on the connection's strand; other threads post to it.
#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "relay/relay.hpp"

namespace pleb::relay {

class Connection : public http::MessageSink,
                   public Subscriber,
                   public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Relay> relay, std::shared_ptr<http::WebSocketConnection> socket,
             http::UpgradeInfo info);
  void start();

  void on_text(std::string_view message) override;
  void on_texts(std::span<const std::string_view> messages) override;
  void on_binary() override;
  void on_oversize(std::size_t limit) override;
  void on_overflow() override;
  void on_close() override;
  void deliver(std::shared_ptr<const Published> event, std::vector<std::string> subscription_ids) override;

 private:
  struct Subscription {
    std::string id;
    std::shared_ptr<const std::string> event_prefix;  // ["EVENT","<id>", shared by every live delivery
    std::vector<nostr::Filter> filters;
    std::unique_ptr<store::QueryCursor> cursor;
    bool eose = false;
    std::unordered_set<std::string> sent_before_eose;  // ids (hex) sent by the stored query
    std::vector<std::shared_ptr<const Published>> live_before_eose;
  };

  // `verified`: the signature check's outcome when it was made in advance (on_texts), else null.
  void handle_event(nostr::Event event, const nostr::Status* verified = nullptr);
  void handle_message(nostr::ClientMessage message, const nostr::Status* verified = nullptr);
  // True when `[limits.events]` buckets per connection, IP or relay are taken before an event's
  // signature check; the EVENTs of a read are then not verified in advance (on_texts), so that an event
  // the buckets refuse never costs a check.
  bool buckets_before_verify() const;
  // Why an event is refused by the rules that cost less than its signature check, if it is.
  std::optional<std::string> refusal_before_verify(const nostr::Event& event, std::int64_t now) const;
  // The tail of an EVENT once the write policy decided (inline, or later for asynchronous stages).
  void conclude_event(nostr::Event event, processor::Decision decision, const processor::EventSource& source,
                      std::chrono::steady_clock::time_point arrived);
  // OK for an event the write policy held: "held for moderation", or the refusal.
  void answer_hold(const std::string& id, const std::string& refusal,
                   std::chrono::steady_clock::time_point arrived);
  void handle_req(nostr::ReqMessage request);
  void handle_count(nostr::CountMessage request);
  std::uint64_t count_visible(std::vector<nostr::Filter>& filters, bool restricted, std::int64_t now);
  void handle_close(const std::string& subscription_id);
  void handle_auth(const nostr::Event& event);
  void handle_error(const nostr::MessageError& error);

  // A reason to refuse a read, with its prefix, or empty when the filters may be served.
  std::string read_refusal(const std::vector<nostr::Filter>& filters) const;
  void apply_limits(std::vector<nostr::Filter>& filters) const;
  void continue_query(std::shared_ptr<Subscription> subscription);
  void finish_query(Subscription& subscription);
  // NIP-42 restricted kinds: only the authenticated author or a p-tagged recipient may see them.
  bool may_see(const nostr::Event& event) const;
  bool may_see_json(std::uint32_t kind, const nostr::Bytes32& author, std::string_view json) const;
  bool is_restricted_kind(std::uint32_t kind) const;
  bool touches_restricted_kinds(const nostr::Filter& filter) const;
  void send_live_event(const Subscription& subscription, const std::shared_ptr<const Published>& event);
  void send(std::string message);

  std::shared_ptr<Relay> relay_;
  std::shared_ptr<http::WebSocketConnection> socket_;
  http::UpgradeInfo info_;
  std::string challenge_;
  std::set<nostr::Bytes32> authenticated_;
  std::unordered_map<std::string, std::shared_ptr<Subscription>> subscriptions_;
  bool closed_ = false;
  bool closing_ = false;  // the relay decided to close (on_overflow): no more messages are handled
};

}  // namespace pleb::relay
