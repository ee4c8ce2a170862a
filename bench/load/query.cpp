// `pleb bench query`: closed-loop REQs against a loaded store; each connection sends its next REQ when
// the previous one reached EOSE. Latency is REQ sent -> EOSE received.
#include <algorithm>
#include <ctime>
#include <random>

#include "authors.hpp"
#include "process_stats.hpp"
#include "reply.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "vocabulary.hpp"
#include "ws_client.hpp"

namespace pleb::load {
namespace {

const std::vector<std::string> kFilters = {"author-kind", "author", "kinds", "tag", "window", "feed"};

class FilterMaker {
 public:
  FilterMaker(const QueryOptions& options, const Authors& authors)
      : options_(options), authors_(authors), rng_(options.seed) {}

  // Appends rather than chains operator+: GCC 12 reports a false -Wrestrict on literal + std::string.
  std::string make(const std::string& type) {
    std::string f = "{";
    if (type == "author-kind") {
      f.append("\"authors\":[\"").append(author()).append("\"],\"kinds\":[1]");
    } else if (type == "author") {
      f.append("\"authors\":[\"").append(author()).append("\"]");
    } else if (type == "kinds") {
      static const char* kinds[] = {"[1]", "[7]", "[1,7]"};
      f.append("\"kinds\":").append(kinds[pick(3)]);
    } else if (type == "tag") {
      if (pick(2) == 0) {
        f.append("\"#t\":[\"").append(kWords[pick(kWords.size())]).append("\"]");
      } else {
        f.append("\"#p\":[\"").append(author()).append("\"]");
      }
    } else if (type == "feed") {
      // A client's home timeline: the notes and reposts of everyone the user follows.
      f.append("\"authors\":[");
      for (std::size_t i : follows()) {
        if (f.back() != '[') f += ',';
        f.append("\"").append(authors_.pubkey_hex(i)).append("\"");
      }
      f.append("],\"kinds\":[1,6]");
    } else {  // window: one hour somewhere in the generated year
      std::int64_t until = std::time(nullptr) - static_cast<std::int64_t>(pick(kGeneratedSpanSeconds));
      f.append("\"since\":").append(std::to_string(until - 3600));
      f.append(",\"until\":").append(std::to_string(until));
    }
    f.append(",\"limit\":").append(std::to_string(options_.limit)).append("}");
    return f;
  }

 private:
  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }
  const std::string& author() { return authors_.pubkey_hex(pick(authors_.size())); }
  // Distinct authors, as many as --follows (all of them when there are fewer).
  std::vector<std::size_t> follows() {
    std::vector<std::size_t> all(authors_.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    std::size_t count = std::min<std::size_t>(options_.follows, all.size());
    for (std::size_t i = 0; i < count; ++i) std::swap(all[i], all[i + pick(all.size() - i)]);
    all.resize(count);
    return all;
  }

  const QueryOptions& options_;
  const Authors& authors_;
  std::mt19937_64 rng_;
};

class Queries final : public ClientEvents {
 public:
  Queries(const QueryOptions& options, FilterMaker& maker) : options_(options), maker_(maker) {}

  void start(Fleet& fleet, const std::string& filter) {
    filter_ = filter;
    issued_ = completed_ = errors_ = timed_events_ = 0;
    out_of_time_ = false;
    min_events_ = UINT64_MAX;
    latencies_ = Latencies();
    latencies_.reserve(options_.queries);
    states_.assign(fleet.size(), {});
    deadline_ = Clock::now() +
                std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.duration));
    started_ = Clock::now();
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      if (fleet.client(i).is_open()) send_next(fleet.client(i));
    }
  }

  bool done() const { return completed_ == issued_ && (issued_ == total() || out_of_time_); }

  void on_message(WsClient& client, std::string_view text) override {
    Reply reply = classify_reply(text);
    auto& state = states_[client.index()];
    if (!state.active || reply.first != state.subscription) return;
    if (reply.type == ReplyType::kEvent) {
      ++state.events;
    } else if (reply.type == ReplyType::kEose || reply.type == ReplyType::kClosed) {
      auto now = Clock::now();
      state.active = false;
      ++completed_;
      if (reply.type == ReplyType::kClosed) {
        if (errors_++ == 0) first_error_ = std::string(reply.detail);
      } else {
        client.send("[\"CLOSE\",\"" + state.subscription + "\"]");
        if (state.number >= options_.warmup) {
          latencies_.add(now - state.sent_at);
          timed_events_ += state.events;
          min_events_ = std::min(min_events_, state.events);
          if (latencies_.count() == 1) started_ = state.sent_at;
          finished_ = now;
        }
      }
      send_next(client);
    }
  }

  // server_cpu: CPU seconds the server used over `wall` seconds (warm-up included).
  void report(const Fleet& fleet, double server_cpu, double wall) {
    double seconds = seconds_between(started_, finished_);
    auto timed = latencies_.count();
    JsonLine line;
    line.text("scenario", "query")
        .text("filter", filter_)
        .count("connections", fleet.opened())
        .count("limit", options_.limit)
        .count("queries", timed)
        .count("warmup", std::min<std::uint64_t>(options_.warmup, completed_))
        .number("events_per_query", timed ? static_cast<double>(timed_events_) / timed : 0, 1)
        .count("events_min", timed ? min_events_ : 0)
        .number("queries_per_s", seconds > 0 ? timed / seconds : 0, 0)
        .latencies("eose", latencies_)
        .number("eose_mean_ms", latencies_.mean_ms())
        .count("errors", errors_ + fleet.failed() + fleet.dropped());
    if (server_cpu >= 0 && wall > 0) line.number("server_cpu", server_cpu / wall, 2);
    if (!first_error_.empty()) line.text("first_error", first_error_);
    if (!fleet.first_error().empty()) line.text("first_connection_error", fleet.first_error());
    line.print();
  }

 private:
  struct State {
    bool active = false;
    std::uint64_t number = 0, events = 0;
    std::string subscription;
    Clock::time_point sent_at;
  };

  std::uint64_t total() const { return options_.warmup + options_.queries; }

  void send_next(WsClient& client) {
    if (issued_ >= total() || !client.is_open()) return;
    if (Clock::now() >= deadline_) {
      out_of_time_ = true;
      return;
    }
    auto& state = states_[client.index()];
    state.active = true;
    state.number = issued_++;
    state.events = 0;
    state.subscription = std::to_string(state.number);
    state.subscription.insert(0, 1, 'q');
    std::string message = "[\"REQ\",\"";
    message.append(state.subscription).append("\",").append(maker_.make(filter_)).append("]");
    state.sent_at = Clock::now();
    client.send(std::move(message));
  }

  const QueryOptions& options_;
  FilterMaker& maker_;
  std::string filter_;
  std::vector<State> states_;
  Clock::time_point deadline_, started_, finished_;
  bool out_of_time_ = false;
  std::uint64_t issued_ = 0, completed_ = 0, errors_ = 0, timed_events_ = 0, min_events_ = 0;
  std::string first_error_;
  Latencies latencies_;
};

}  // namespace

void run_query(const QueryOptions& options) {
  Target target = parse_loopback_url(options.url);
  std::vector<std::string> filters;
  if (options.filter == "all") {
    filters = kFilters;
  } else if (std::find(kFilters.begin(), kFilters.end(), options.filter) != kFilters.end()) {
    filters = {options.filter};
  } else {
    throw std::invalid_argument("--filter must be author-kind, author, kinds, tag, window, feed or all");
  }
  if (options.connections == 0 || options.authors == 0 || options.limit == 0 || options.follows == 0)
    throw std::invalid_argument("--connections, --authors, --follows and --limit must be positive");
  raise_open_file_limit();
  Authors authors(options.seed, options.authors, usable_cores());
  FilterMaker maker(options, authors);
  net::io_context ioc;
  Phase phase(ioc);
  Queries queries(options, maker);
  Fleet fleet(ioc, target, queries, phase, {options.compression, 256});
  fleet.add(options.connections);
  phase.run([&] { return fleet.all_settled(); }, std::chrono::seconds(30));
  if (fleet.opened() == 0)
    throw std::runtime_error("no connection to " + options.url + ": " + fleet.first_error());
  auto limit =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.duration + 30));
  for (const auto& filter : filters) {
    auto cpu_before = options.pid ? cpu_seconds(options.pid) : std::nullopt;
    auto started = Clock::now();
    queries.start(fleet, filter);
    phase.run([&] { return queries.done(); }, limit);
    double wall = seconds_between(started, Clock::now());
    auto cpu_after = options.pid ? cpu_seconds(options.pid) : std::nullopt;
    queries.report(fleet, cpu_before && cpu_after ? *cpu_after - *cpu_before : -1, wall);
  }
  fleet.close_all();
  phase.run([&] { return fleet.ended() == fleet.started(); }, std::chrono::seconds(3));
}

}  // namespace pleb::load
