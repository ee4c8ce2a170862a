// Bus figures on loopback: fan-out throughput, durable (JetStream) publish rate, and request/reply
// round trips, plain and durable, as p50/p99. Usage (figures in docs/BUS.md):
//   tests/servers/run-with --nats -- build/r/bus_bench [messages]
// Without NATS_URL only the in-process bus is measured; PLEB_BUS_BATCH=1 turns
// NatsBusOptions::send_asap off.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bus/memory/memory_bus.hpp"
#include "bus/nats/nats_bus.hpp"

namespace {

using namespace pleb::bus;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kPayloadBytes = 512;  // about one Nostr event

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void fan_out(Bus& bus, const std::string& subject, int count) {
  std::mutex mutex;
  std::condition_variable done;
  int received = 0;
  auto sub = bus.subscribe(subject, [&](const Delivery&) {
    std::lock_guard lock(mutex);
    if (++received == count) done.notify_all();
  });
  if (!sub) return std::fprintf(stderr, "subscribe: %s\n", sub.error().c_str()), void();
  (void)bus.request_sync(subject + ".warm", Message("x"), 200ms);  // the subscription is live
  const std::string payload(kPayloadBytes, 'e');
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    if (auto sent = bus.publish(subject, Message(payload)); !sent) {
      return std::fprintf(stderr, "publish: %s\n", sent.error().c_str()), void();
    }
  }
  std::unique_lock lock(mutex);
  done.wait_for(lock, 60s, [&] { return received == count; });
  std::printf("  publish -> subscriber: %d of %d messages of %zu B in %.2f s: %.0f msg/s\n", received, count,
              kPayloadBytes, seconds_since(start), received / seconds_since(start));
}

void durable_publish(Bus& bus, const std::string& subject, int count) {
  const std::string payload(kPayloadBytes, 'e');
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    if (auto stored = bus.publish(subject, Message(payload)); !stored) {
      return std::fprintf(stderr, "durable publish: %s\n", stored.error().c_str()), void();
    }
  }
  std::printf("  durable publish (each waits for its store ack): %d in %.2f s: %.0f msg/s\n", count,
              seconds_since(start), count / seconds_since(start));
}

void round_trips(Bus& requester, const std::string& subject, int count, const char* what) {
  const std::string payload(kPayloadBytes, 'e');
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const auto start = Clock::now();
    auto reply = requester.request_sync(subject, Message(payload), 5s);
    if (!reply) return std::fprintf(stderr, "request: %s\n", reply.error().c_str()), void();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) { return micros[static_cast<std::size_t>(q * (micros.size() - 1))]; };
  std::printf("  %s: %d sequential round trips: p50 %.0f us, p99 %.0f us\n", what, count, at(0.50), at(0.99));
}

// Requests kept in flight, as a relay has many clients waiting at once.
void pipelined(Bus& requester, const std::string& subject, int count, int window, const char* what) {
  const std::string payload(kPayloadBytes, 'e');
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int answered = 0;
  int failed = 0;
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    {
      std::unique_lock lock(mutex);
      if (!changed.wait_for(lock, 10s, [&] { return in_flight < window; })) break;
      ++in_flight;
    }
    requester.request(subject, Message(payload), 10s, [&](Result<Message> reply) {
      std::lock_guard lock(mutex);
      --in_flight;
      ++(reply ? answered : failed);
      changed.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  changed.wait_for(lock, 30s, [&] { return in_flight == 0; });
  std::printf("  %s, %d in flight: %d answered (%d failed) in %.2f s: %.0f requests/s\n", what, window,
              answered, failed, seconds_since(start), answered / seconds_since(start));
}

void measure(Bus& bus, Bus& other, const std::string& prefix, const std::string& durable, int count) {
  fan_out(bus, prefix + ".fanout", count);
  auto responder = other.subscribe(prefix + ".rpc", [](const Delivery& d) { d.reply(Message("true:")); });
  (void)bus.request_sync(prefix + ".rpc", Message("warm"), 1s);
  round_trips(bus, prefix + ".rpc", std::max(count / 20, 100), "request/reply");

  durable_publish(bus, durable, std::max(count / 20, 100));
  std::atomic<int> drained{0};
  auto processor = other.queue_subscribe(durable, "processors", [&](const Delivery& d) {
    if (d.can_reply()) d.reply(Message("true:"));
    d.ack();
    ++drained;
  });
  if (!processor) return std::fprintf(stderr, "queue_subscribe: %s\n", processor.error().c_str()), void();
  for (int i = 0; i < 600 && drained < std::max(count / 20, 100); ++i) std::this_thread::sleep_for(50ms);
  round_trips(bus, durable, std::max(count / 50, 100), "durable request -> verdict");
  pipelined(bus, durable, std::max(count / 5, 100), 64, "durable requests -> verdicts");
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 100000;
  const std::string prefix = "bench" + std::to_string(getpid());
  const std::string durable = prefix + ".received";
  {
    MemoryBusOptions options;
    options.durable_subjects = {durable};
    MemoryBus bus(options);
    std::printf("in-process bus (%u handler threads):\n", options.threads);
    measure(bus, bus, prefix, durable, count);
  }
  const char* url = std::getenv("NATS_URL");
  if (!url) return 0;
  NatsBusOptions options;
  options.url = url;
  options.durable_subjects = {{durable, "BENCH" + std::to_string(getpid())}};
  options.send_asap = std::getenv("PLEB_BUS_BATCH") == nullptr;
  auto relay = NatsBus::connect(options);
  auto processor = NatsBus::connect(options);
  if (!relay || !processor) {
    std::fprintf(stderr, "%s\n", relay ? processor.error().c_str() : relay.error().c_str());
    return 1;
  }
  std::printf("NATS on loopback (two connections, as a relay and a processor; send_asap %s):\n",
              options.send_asap ? "on" : "off");
  measure(**relay, **processor, prefix, durable, count);
  return 0;
}
