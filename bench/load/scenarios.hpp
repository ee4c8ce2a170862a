#pragma once
// The `pleb bench` scenarios. Each runs bounded in count and time against a relay on this machine and
// prints one JSON line per measurement to stdout (progress goes to stderr); each throws
// std::runtime_error or std::invalid_argument when it cannot run at all.
#include <cstdint>
#include <string>

namespace pleb::load {

struct GenerateOptions {
  std::uint64_t count = 1000;
  std::uint64_t authors = 1000;  // key pairs derived from (seed, index), shared with `query`
  std::uint64_t seed = 1;
  std::int64_t now = 0;  // newest created_at; 0: the current time. Events spread over the year before it
  unsigned threads = 0;  // 0: every usable core
};
// Pre-signed events as JSON lines on stdout: kinds 0 and 3 once per author, then kinds 1 and 7 with
// e, p and t tags. The output depends only on the options, not on the thread count.
void run_generate(const GenerateOptions& options);

struct VerifyBaselineOptions {
  double seconds = 2;
};
// Raw secp256k1_schnorrsig_verify per second on this core, public keys parsed before timing, each rate
// measured for `seconds`. `distinct`: 16,384 different signatures in turn, as a relay meets them (the
// ratio targets use it); `hot`: 256 signatures over and over, which keeps the lines of libsecp256k1's
// tables that they need in the core's cache and runs ~7 % faster (docs/BENCHMARKS.md).
struct RawVerifyRates {
  double distinct = 0;
  double hot = 0;
};
RawVerifyRates measure_raw_verify(double seconds);

// The same measurement repeated on one corpus, each time by a thread pinned to given cores: the ingest
// scenario measures on the server's own core right before and right after its run, while the server
// idles, so that the ratio does not depend on which core the load generator got nor on how fast this
// machine's host let it run at one moment (seen here: 17,000-25,000/s from one run to the next).
class RawVerifier {
 public:
  RawVerifier();
  ~RawVerifier();
  RawVerifier(const RawVerifier&) = delete;
  RawVerifier& operator=(const RawVerifier&) = delete;
  // On the cores process `pid` may run on (0: this process); the hot rate only when asked.
  RawVerifyRates measure(double seconds, int pid, bool hot);
  // Verifies in a thread of the lowest priority (SCHED_IDLE) on this process's cores until stopped,
  // beside a run: the rate is per second of that thread's own CPU time, so the load generator's work
  // on the same core takes nothing from it.
  struct Beside {
    double rate = 0;
    double cpu_seconds = 0;
  };
  void start_beside();
  Beside stop_beside();

 private:
  struct State;
  State* state_;
};
void run_verify_baseline(const VerifyBaselineOptions& options);

struct IngestOptions {
  std::string url = "ws://127.0.0.1:7777";
  std::uint64_t connections = 16;
  std::uint64_t window = 64;     // EVENTs awaiting their OK per connection
  std::uint64_t events = 50000;  // all signed before timing starts
  std::uint64_t authors = 1000;
  std::uint32_t kind = 1;       // 20000-29999: ephemeral, verified but not stored
  double duration = 60;         // stop sending after this many seconds
  double baseline_seconds = 2;  // raw verification measured in the same run; 0: skip
  int pid = 0;                  // server pid, for its CPU use while timed
  bool compression = false;
  unsigned threads = 0;  // signing threads; 0: every usable core
};
void run_ingest(const IngestOptions& options);

struct QueryOptions {
  std::string url = "ws://127.0.0.1:7777";
  std::string filter = "author-kind";  // author-kind, author, kinds, tag, window, feed, or all
  std::uint64_t connections = 1;       // each sends its next REQ when the last one reached EOSE
  std::uint64_t queries = 2000;        // timed, per filter
  std::uint64_t warmup = 100;          // untimed queries first
  std::uint64_t limit = 100;
  std::uint64_t authors = 1000;  // as given to `generate`
  std::uint64_t follows = 500;   // authors in a feed filter
  std::uint64_t seed = 1;        // as given to `generate`
  double duration = 60;          // per filter
  int pid = 0;
  bool compression = false;
};
void run_query(const QueryOptions& options);

struct FanoutOptions {
  std::string url = "ws://127.0.0.1:7777";
  std::string publish_url;  // empty: the publisher uses `url` too
  std::uint64_t subscribers = 200;
  double rate = 100;       // events published per second
  double duration = 10;    // seconds of publishing
  double drain = 3;        // seconds to wait for the last deliveries
  std::uint32_t kind = 1;  // 1 is stored before it is fanned out; 20000-29999 are ephemeral
  int pid = 0;
  bool compression = false;
};
void run_fanout(const FanoutOptions& options);

struct IdleOptions {
  std::string url = "ws://127.0.0.1:7777";
  std::uint64_t connections = 5000;
  int pid = 0;               // the server, for VmRSS before and after
  double settle = 2;         // seconds between the last connection opening and reading VmRSS
  double timeout = 120;      // for opening all of them
  bool compression = false;  // offer permessage-deflate
};
void run_idle(const IdleOptions& options);

}  // namespace pleb::load
