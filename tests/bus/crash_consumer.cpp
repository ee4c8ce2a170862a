// A processor that dies the hard way: it takes one message from a durable subject's group and is
// killed (SIGKILL) before acking it. nats_fault_test runs it as a separate process.
//   bus_crash_consumer SUBJECT STREAM GROUP ACK_WAIT_MS   (NATS_URL from the environment)
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>

#include "bus/nats/nats_bus.hpp"

int main(int argc, char** argv) {
  using namespace pleb::bus;
  if (argc != 5 || !std::getenv("NATS_URL")) {
    std::fprintf(stderr, "usage: NATS_URL=... bus_crash_consumer SUBJECT STREAM GROUP ACK_WAIT_MS\n");
    return 2;
  }
  NatsBusOptions options;
  options.url = std::getenv("NATS_URL");
  options.durable_subjects = {{argv[1], argv[2]}};
  options.ack_wait = std::chrono::milliseconds(std::atoi(argv[4]));
  auto bus = NatsBus::connect(options);
  if (!bus) {
    std::fprintf(stderr, "%s\n", bus.error().c_str());
    return 1;
  }
  std::promise<void> taken;
  auto group = (*bus)->queue_subscribe(argv[1], argv[3], [&](const Delivery& d) {
    std::printf("%s\n", d.message().payload.c_str());
    std::fflush(stdout);
    kill(getpid(), SIGKILL);  // before any ack
    taken.set_value();
  });
  if (!group) {
    std::fprintf(stderr, "%s\n", group.error().c_str());
    return 1;
  }
  taken.get_future().wait_for(std::chrono::seconds(10));
  return 3;  // nothing came
}
