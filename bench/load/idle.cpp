// `pleb bench idle`: what an idle connection costs the server. Opens N WebSocket connections that say
// nothing, and reads the server's VmRSS (/proc/<pid>/status) before and after.
#include <unistd.h>

#include <thread>

#include "process_stats.hpp"
#include "reply.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "ws_client.hpp"

namespace pleb::load {
namespace {

// A connection counts once the server's first message (the NIP-42 challenge) has arrived: by then the
// server has attached its relay session, not just finished the handshake.
class Idle final : public ClientEvents {
 public:
  explicit Idle(std::size_t connections) : ready_(connections, false) {}
  std::size_t ready() const { return ready_count_; }
  std::size_t compressed() const { return compressed_; }

  void on_message(WsClient& client, std::string_view) override {
    if (ready_[client.index()]) return;
    ready_[client.index()] = true;
    ++ready_count_;
    compressed_ += client.compressed();
  }

 private:
  std::vector<bool> ready_;
  std::size_t ready_count_ = 0, compressed_ = 0;
};

double kib(std::optional<std::uint64_t> bytes) {
  return bytes ? static_cast<double>(*bytes) / 1024.0 : -1;
}

}  // namespace

void run_idle(const IdleOptions& options) {
  Target target = parse_loopback_url(options.url);
  if (options.connections == 0) throw std::invalid_argument("--connections must be positive");
  std::uint64_t files = raise_open_file_limit();
  if (files < options.connections + 64)
    throw std::runtime_error("the open file limit (" + std::to_string(files) + ") is too low for " +
                             std::to_string(options.connections) + " connections");
  if (options.pid && !resident_bytes(options.pid))
    throw std::runtime_error("cannot read /proc/" + std::to_string(options.pid) + "/status");
  auto settle = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.settle));
  auto server_before = options.pid ? resident_bytes(options.pid) : std::nullopt;
  auto client_before = resident_bytes(getpid());

  net::io_context ioc;
  Phase phase(ioc);
  Idle idle(options.connections);
  Fleet fleet(ioc, target, idle, phase, {options.compression, 256});
  auto started = Clock::now();
  fleet.add(options.connections);
  phase.run([&] { return idle.ready() + fleet.failed() + fleet.dropped() >= options.connections; },
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.timeout)));
  double open_seconds = seconds_between(started, Clock::now());
  phase.run([] { return false; }, settle);  // let the server finish whatever the opening left behind
  auto server_after = options.pid ? resident_bytes(options.pid) : std::nullopt;
  auto client_after = resident_bytes(getpid());
  std::size_t ready = idle.ready();

  fleet.close_all();
  phase.run([&] { return fleet.ended() == fleet.started(); }, std::chrono::seconds(10));
  std::this_thread::sleep_for(settle);
  auto server_closed = options.pid ? resident_bytes(options.pid) : std::nullopt;

  auto per_connection = [ready](std::optional<std::uint64_t> before, std::optional<std::uint64_t> after) {
    if (!before || !after || ready == 0) return -1.0;
    return (static_cast<double>(*after) - static_cast<double>(*before)) / static_cast<double>(ready);
  };
  JsonLine line;
  line.text("scenario", "idle")
      .count("connections", ready)
      .count("requested", options.connections)
      .flag("compression_offered", options.compression)
      .count("compression_negotiated", idle.compressed())
      .number("open_seconds", open_seconds, 2)
      .count("errors", fleet.failed() + fleet.dropped() + (fleet.opened() - ready));
  if (options.pid) {
    line.number("server_rss_before_kib", kib(server_before), 0)
        .number("server_rss_after_kib", kib(server_after), 0)
        .number("server_rss_after_close_kib", kib(server_closed), 0)
        .number("server_bytes_per_connection", per_connection(server_before, server_after), 0);
  }
  line.number("client_bytes_per_connection", per_connection(client_before, client_after), 0);
  if (!fleet.first_error().empty()) line.text("first_error", fleet.first_error());
  line.print();
}

}  // namespace pleb::load
