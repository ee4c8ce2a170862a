// `pleb bench ingest`: many connections publish pre-signed events as fast as the relay acknowledges
// them (a bounded window of EVENTs awaiting OK per connection); OK true means durably stored.
#include <ctime>
#include <iostream>
#include <optional>
#include <unordered_map>

#include "authors.hpp"
#include "nostr/json_writer.hpp"
#include "parallel.hpp"
#include "process_stats.hpp"
#include "reply.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "ws_client.hpp"

namespace pleb::load {
namespace {

struct Corpus {
  std::vector<std::shared_ptr<const std::string>> messages;  // ["EVENT",{...}]
  std::unordered_map<std::string, std::size_t> index_of;     // id (hex) -> position
};

// Short replies like the micro-benchmarks': ~150 bytes of content, fresh ids on every run, an `e` tag
// naming an event (a random id, as replies name events all over the store: each lands at its own place
// in the tag index), a `p` tag naming one of the authors and one common `t` tag.
Corpus sign_corpus(const IngestOptions& options) {
  unsigned threads = options.threads ? options.threads : usable_cores();
  std::uint64_t seed = random_seed();
  Authors authors(seed, std::max<std::uint64_t>(1, options.authors), threads);
  Corpus corpus;
  corpus.messages.resize(options.events);
  std::vector<std::string> ids(options.events);
  std::int64_t now = std::time(nullptr);
  parallel_ranges(options.events, threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      SplitMix rng{seed ^ (i + 1) * 0x9e3779b97f4a7c15ULL};
      nostr::Event event;
      event.kind = options.kind;
      event.created_at = now;
      event.content = "pleb bench ingest " + std::to_string(seed) + " #" + std::to_string(i) + " " +
                      std::string(120, 'x');
      event.tags = {{"e", random_hex32(rng), "", "reply"},
                    {"p", authors.pubkey_hex(rng.below(authors.size()))},
                    {"t", "bench"}};
      authors.sign(event, i % authors.size());
      std::string message = "[\"EVENT\",";
      nostr::append_json(message, event);
      message += ']';
      corpus.messages[i] = std::make_shared<const std::string>(std::move(message));
      ids[i] = nostr::to_hex(event.id);
    }
  });
  corpus.index_of.reserve(options.events);
  for (std::size_t i = 0; i < ids.size(); ++i) corpus.index_of.emplace(std::move(ids[i]), i);
  return corpus;
}

class Ingest final : public ClientEvents {
 public:
  Ingest(const IngestOptions& options, Corpus corpus)
      : options_(options), corpus_(std::move(corpus)), sent_at_(corpus_.messages.size()) {}

  void start(Fleet& fleet) {
    started_ = Clock::now();
    stop_sending_ = started_ + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(options_.duration));
    in_flight_.assign(fleet.size(), 0);
    sending_ = true;
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      if (fleet.client(i).is_open()) fill(fleet.client(i));
    }
  }

  bool done() const {
    return sending_ && (next_ == corpus_.messages.size() || out_of_time_) && answered_ + lost_ == next_;
  }

  void on_message(WsClient& client, std::string_view text) override {
    Reply reply = classify_reply(text);
    if (reply.type == ReplyType::kNotice) {
      if (notices_++ == 0) first_notice_ = std::string(reply.first);
      return;
    }
    if (reply.type != ReplyType::kOk) return;
    auto it = corpus_.index_of.find(std::string(reply.first));
    if (it == corpus_.index_of.end()) return;
    auto now = Clock::now();
    latencies_.add(now - sent_at_[it->second]);
    last_reply_ = now;
    ++answered_;
    if (reply.accepted) {
      ++accepted_;
    } else if (rejected_++ == 0) {
      first_rejection_ = std::string(reply.detail);
    }
    --in_flight_[client.index()];
    fill(client);
  }

  void on_end(WsClient& client, const std::string& error) override {
    if (error.empty() || in_flight_.empty()) return;
    lost_ += in_flight_[client.index()];  // never answered
    in_flight_[client.index()] = 0;
  }

  void report(const Fleet& fleet, const RawVerifyRates& before, const RawVerifyRates& after, double beside,
              double server_cpu, double client_cpu) {
    double seconds = seconds_between(started_, last_reply_ > started_ ? last_reply_ : Clock::now());
    double rate = seconds > 0 ? static_cast<double>(accepted_) / seconds : 0;
    JsonLine line;
    line.text("scenario", "ingest")
        .count("connections", fleet.opened())
        .count("window", options_.window)
        .count("authors", options_.authors)
        .count("kind", options_.kind)
        .count("sent", next_)
        .count("ok", accepted_)
        .count("rejected", rejected_)
        .count("unanswered", next_ - answered_)
        .count("errors", fleet.failed() + fleet.dropped())
        .count("notices", notices_)
        .number("seconds", seconds)
        .number("events_per_s", rate, 0)
        .latencies("ok", latencies_);
    if (before.distinct > 0 && after.distinct > 0) {
      const double baseline = (before.distinct + after.distinct) / 2;
      line.number("verify_baseline_per_s", baseline, 0)
          .number("ratio_to_raw_verify", rate / baseline)
          .number("verify_baseline_before_per_s", before.distinct, 0)
          .number("verify_baseline_after_per_s", after.distinct, 0)
          .number("verify_beside_per_s", beside, 0)
          .number("verify_baseline_hot_per_s", before.hot, 0)
          .number("ratio_to_hot_verify", rate / before.hot);
    }
    if (server_cpu >= 0) line.number("server_cpu", server_cpu / seconds, 2);
    line.number("client_cpu", client_cpu / seconds, 2);
    if (!first_rejection_.empty()) line.text("first_rejection", first_rejection_);
    if (!first_notice_.empty()) line.text("first_notice", first_notice_);
    if (!fleet.first_error().empty()) line.text("first_error", fleet.first_error());
    line.print();
  }

 private:
  void fill(WsClient& client) {
    auto& in_flight = in_flight_[client.index()];
    while (in_flight < options_.window && next_ < corpus_.messages.size() && client.is_open()) {
      auto now = Clock::now();
      if (now >= stop_sending_) {
        out_of_time_ = true;
        return;
      }
      sent_at_[next_] = now;
      client.send(corpus_.messages[next_++]);
      ++in_flight;
    }
  }

  const IngestOptions& options_;
  Corpus corpus_;
  std::vector<Clock::time_point> sent_at_;
  std::vector<std::uint64_t> in_flight_;
  Clock::time_point started_, stop_sending_, last_reply_;
  bool sending_ = false, out_of_time_ = false;
  std::size_t next_ = 0;
  std::uint64_t answered_ = 0, accepted_ = 0, rejected_ = 0, lost_ = 0, notices_ = 0;
  std::string first_rejection_, first_notice_;
  Latencies latencies_;
};

}  // namespace

void run_ingest(const IngestOptions& options) {
  Target target = parse_loopback_url(options.url);
  if (options.connections == 0 || options.window == 0)
    throw std::invalid_argument("--connections and --window must be positive");
  raise_open_file_limit();
  // The baseline right before and right after the run, on the server's cores while it idles (on this
  // process's own core without --pid); the ratio uses their mean.
  std::optional<RawVerifier> verifier;
  RawVerifyRates before, after;
  const int baseline_pid = options.pid;
  if (options.baseline_seconds > 0) {
    verifier.emplace();
    before = verifier->measure(options.baseline_seconds, baseline_pid, true);
  }
  Corpus corpus = sign_corpus(options);
  net::io_context ioc;
  Phase phase(ioc);
  Ingest ingest(options, std::move(corpus));
  Fleet fleet(ioc, target, ingest, phase, {options.compression, 256});
  fleet.add(options.connections);
  phase.run([&] { return fleet.all_settled(); }, std::chrono::seconds(30));
  if (fleet.opened() == 0)
    throw std::runtime_error("no connection to " + options.url + ": " + fleet.first_error());

  auto server_cpu_before = options.pid ? cpu_seconds(options.pid) : std::nullopt;
  double client_cpu_before = own_cpu_seconds();
  if (verifier) verifier->start_beside();
  ingest.start(fleet);
  auto limit = std::chrono::duration<double>(options.duration + 30);
  phase.run([&] { return ingest.done(); }, std::chrono::duration_cast<Clock::duration>(limit));
  auto server_cpu_after = options.pid ? cpu_seconds(options.pid) : std::nullopt;
  const auto beside = verifier ? verifier->stop_beside() : RawVerifier::Beside{};
  double client_cpu = own_cpu_seconds() - client_cpu_before - beside.cpu_seconds;
  double server_cpu = server_cpu_before && server_cpu_after ? *server_cpu_after - *server_cpu_before : -1;

  fleet.close_all();
  phase.run([&] { return fleet.ended() == fleet.started(); }, std::chrono::seconds(3));
  if (verifier) after = verifier->measure(options.baseline_seconds, baseline_pid, false);
  ingest.report(fleet, before, after, beside.rate, server_cpu, client_cpu);
}

}  // namespace pleb::load
