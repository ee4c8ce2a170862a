// `pleb bench fanout`: one publisher sends pre-signed events at a fixed rate to a relay where every
// subscriber has a REQ matching them (or to another relay of the same community, --publish-url, for
// cross-relay delivery); each delivery's latency is its receive time minus the time the
// publisher sent that EVENT, both read from this process's steady clock.
#include <boost/asio/steady_timer.hpp>
#include <ctime>
#include <unordered_map>

#include "authors.hpp"
#include "nostr/json_writer.hpp"
#include "process_stats.hpp"
#include "reply.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "ws_client.hpp"

namespace pleb::load {
namespace {

class Fanout final : public ClientEvents {
 public:
  Fanout(const FanoutOptions& options, net::io_context& ioc)
      : options_(options), timer_(ioc), authors_(random_seed(), 1, 1) {
    events_ = static_cast<std::size_t>(std::max(1.0, options.rate * options.duration));
    std::int64_t now = std::time(nullptr);
    for (std::size_t i = 0; i < events_; ++i) {
      nostr::Event event;
      event.kind = options.kind;
      event.created_at = now;
      event.content = "pleb bench fanout #" + std::to_string(i) + " " + std::string(100, 'x');
      event.tags = {{"t", "bench"}};
      authors_.sign(event, 0);
      std::string message = "[\"EVENT\",";
      nostr::append_json(message, event);
      message += ']';
      messages_.push_back(std::make_shared<const std::string>(std::move(message)));
      index_of_.emplace(nostr::to_hex(event.id), i);
    }
    sent_at_.resize(events_);
    acked_.assign(events_, false);
    seen_.assign(options.subscribers * events_, false);
    latencies_.reserve(options.subscribers * events_);
    request_ = "[\"REQ\",\"f\",{\"authors\":[\"" + authors_.pubkey_hex(0) + "\"],\"kinds\":[" +
               std::to_string(options.kind) + "],\"limit\":0}]";
  }

  std::size_t subscribed() const { return subscribed_; }
  std::uint64_t expected() const { return static_cast<std::uint64_t>(subscribed_) * events_; }
  bool done() const { return sent_ == events_ && delivered_ == expected() && acks_ == events_; }

  void on_open(WsClient& client) override { client.send(request_); }

  // What the publisher's connection receives: the OKs.
  void on_publisher_message(std::string_view text) {
    Reply reply = classify_reply(text);
    if (reply.type != ReplyType::kOk) return;
    auto it = index_of_.find(std::string(reply.first));
    if (it == index_of_.end() || acked_[it->second]) return;
    acked_[it->second] = true;
    ++acks_;
    ok_latencies_.add(Clock::now() - sent_at_[it->second]);
    if (!reply.accepted && rejected_++ == 0) first_rejection_ = std::string(reply.detail);
  }

  void on_message(WsClient& client, std::string_view text) override {
    Reply reply = classify_reply(text);
    if (reply.type == ReplyType::kEose) {
      ++subscribed_;
    } else if (reply.type == ReplyType::kEvent) {
      auto now = Clock::now();
      auto it = index_of_.find(std::string(event_id_of(reply.detail)));
      if (it == index_of_.end() || it->second >= sent_) return;
      std::vector<bool>::reference seen = seen_[client.index() * events_ + it->second];
      if (seen) {
        ++duplicates_;
        return;
      }
      seen = true;
      ++delivered_;
      latencies_.add(now - sent_at_[it->second]);
    } else if (reply.type == ReplyType::kClosed) {
      if (closed_++ == 0) first_rejection_ = std::string(reply.detail);
    }
  }

  void start(WsClient& publisher) {
    publisher_ = &publisher;
    started_ = Clock::now();
    period_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.rate));
    publish_next();
  }

  void report(const Fleet& fleet, double seconds, double server_cpu, double client_cpu) {
    double publishing = seconds_between(started_, last_sent_);
    JsonLine line;
    line.text("scenario", "fanout")
        .count("subscribers", subscribed_)
        .count("kind", options_.kind)
        .number("rate", options_.rate, 1)
        .count("events", sent_)
        .number("published_per_s", publishing > 0 ? (sent_ - 1) / publishing : 0, 1)
        .count("deliveries", delivered_)
        .count("expected", expected())
        .count("missing", expected() - delivered_)
        .count("duplicates", duplicates_)
        .number("deliveries_per_s", seconds > 0 ? delivered_ / seconds : 0, 0)
        .latencies("delivery", latencies_, true)
        .latencies("ok", ok_latencies_)
        .count("ok", acks_ - rejected_)
        .count("rejected", rejected_ + closed_)
        .count("errors", fleet.failed() + fleet.dropped());
    if (server_cpu >= 0) line.number("server_cpu", server_cpu / seconds, 2);
    line.number("client_cpu", client_cpu / seconds, 2);
    if (!first_rejection_.empty()) line.text("first_rejection", first_rejection_);
    if (!fleet.first_error().empty()) line.text("first_error", fleet.first_error());
    line.print();
  }

 private:
  // Paced from the start time, not from the last send, so a late tick does not slow the rate down.
  void publish_next() {
    if (sent_ == events_ || !publisher_->is_open()) return;
    sent_at_[sent_] = last_sent_ = Clock::now();
    publisher_->send(messages_[sent_++]);
    if (sent_ == events_) return;
    timer_.expires_at(started_ + period_ * static_cast<long>(sent_));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) publish_next();
    });
  }

  const FanoutOptions& options_;
  net::steady_timer timer_;
  Authors authors_;
  std::size_t events_ = 0, sent_ = 0, subscribed_ = 0;
  std::vector<std::shared_ptr<const std::string>> messages_;
  std::unordered_map<std::string, std::size_t> index_of_;
  std::vector<Clock::time_point> sent_at_;
  std::vector<bool> acked_, seen_;
  std::string request_, first_rejection_;
  WsClient* publisher_ = nullptr;
  Clock::time_point started_, last_sent_;
  Clock::duration period_{};
  std::uint64_t delivered_ = 0, duplicates_ = 0, acks_ = 0, rejected_ = 0, closed_ = 0;
  Latencies latencies_, ok_latencies_;
};

// The publisher has a fleet of its own, so it may connect to another relay than the subscribers.
class PublisherEvents final : public ClientEvents {
 public:
  explicit PublisherEvents(Fanout& fanout) : fanout_(fanout) {}
  void on_message(WsClient&, std::string_view text) override { fanout_.on_publisher_message(text); }

 private:
  Fanout& fanout_;
};

}  // namespace

void run_fanout(const FanoutOptions& options) {
  Target target = parse_loopback_url(options.url);
  Target publish_target = parse_loopback_url(options.publish_url.empty() ? options.url : options.publish_url);
  if (options.subscribers == 0 || options.rate <= 0 || options.duration <= 0)
    throw std::invalid_argument("--subscribers, --rate and --duration must be positive");
  raise_open_file_limit();
  net::io_context ioc;
  Phase phase(ioc);
  Fanout fanout(options, ioc);
  Fleet fleet(ioc, target, fanout, phase, {options.compression, 256});
  PublisherEvents publisher_events(fanout);
  Fleet publishers(ioc, publish_target, publisher_events, phase, {options.compression, 1});
  fleet.add(options.subscribers);
  publishers.add(1);
  phase.run([&] { return fleet.all_settled() && publishers.all_settled(); }, std::chrono::seconds(60));
  phase.run([&] { return fanout.subscribed() + fleet.failed() + fleet.dropped() >= options.subscribers; },
            std::chrono::seconds(30));
  WsClient& publisher = publishers.client(0);
  if (!publisher.is_open() || fanout.subscribed() == 0)
    throw std::runtime_error("fanout: no publisher or no subscriber connected: " + fleet.first_error() +
                             publishers.first_error());

  auto server_cpu_before = options.pid ? cpu_seconds(options.pid) : std::nullopt;
  double client_cpu_before = own_cpu_seconds();
  auto started = Clock::now();
  fanout.start(publisher);
  auto limit = std::chrono::duration<double>(options.duration + options.drain);
  phase.run([&] { return fanout.done(); }, std::chrono::duration_cast<Clock::duration>(limit));
  double seconds = seconds_between(started, Clock::now());
  auto server_cpu_after = options.pid ? cpu_seconds(options.pid) : std::nullopt;
  double client_cpu = own_cpu_seconds() - client_cpu_before;
  double server_cpu = server_cpu_before && server_cpu_after ? *server_cpu_after - *server_cpu_before : -1;

  fleet.close_all();
  publishers.close_all();
  phase.run([&] { return fleet.ended() == fleet.started() && publishers.ended() == publishers.started(); },
            std::chrono::seconds(3));
  fanout.report(fleet, seconds, server_cpu, client_cpu);
}

}  // namespace pleb::load
