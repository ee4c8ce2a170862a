// `pleb bench generate`: a large, realistic-looking store to load with `pleb import --no-verify`.
#include <array>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "authors.hpp"
#include "nostr/json_writer.hpp"
#include "parallel.hpp"
#include "process_stats.hpp"
#include "report.hpp"
#include "scenarios.hpp"
#include "vocabulary.hpp"

namespace pleb::load {
namespace {

constexpr std::int64_t kYear = kGeneratedSpanSeconds;

// Event `index` from its own generator: the same options give the same file on any number of threads.
nostr::Event make_event(const GenerateOptions& options, const Authors& authors, std::uint64_t index,
                        std::size_t& author) {
  SplitMix rng{options.seed * 0x9e3779b97f4a7c15ULL ^ (index + 1) * 0xd1b54a32d192ed03ULL};
  const std::uint64_t a = authors.size();
  nostr::Event event;
  event.created_at = options.now - static_cast<std::int64_t>(rng.below(kYear));
  if (index < a) {  // one profile per author
    author = index;
    event.kind = 0;
    event.content = R"({"name":"bench)" + std::to_string(index) + R"(","about":"pleb bench author"})";
  } else if (index < 2 * a) {  // one follow list per author
    author = index - a;
    event.kind = 3;
    for (int i = 0; i < 20; ++i) event.tags.push_back({"p", authors.pubkey_hex(rng.below(a))});
  } else {
    author = rng.below(a);
    event.kind = rng.below(100) < 75 ? 1 : 7;
    if (event.kind == 7) {  // a reaction
      event.content = "+";
      event.tags = {{"e", random_hex32(rng)}, {"p", authors.pubkey_hex(rng.below(a))}};
    } else {
      for (std::uint64_t w = 0, n = 3 + rng.below(40); w < n; ++w) {
        if (w) event.content += ' ';
        event.content += kWords[rng.below(kWords.size())];
      }
      if (rng.below(100) < 30) {  // a reply
        event.tags.push_back({"e", random_hex32(rng), "", "reply"});
        event.tags.push_back({"p", authors.pubkey_hex(rng.below(a))});
      }
      if (rng.below(100) < 40) event.tags.push_back({"t", kWords[rng.below(kWords.size())]});
    }
  }
  return event;
}

}  // namespace

void run_generate(const GenerateOptions& given) {
  GenerateOptions options = given;
  if (options.authors == 0) throw std::invalid_argument("--authors must be at least 1");
  if (options.now == 0) options.now = std::time(nullptr);
  unsigned threads = options.threads ? options.threads : usable_cores();
  auto started = Clock::now();
  Authors authors(options.seed, options.authors, threads);
  // Rounds of one chunk per thread: signed in parallel, written in order.
  constexpr std::uint64_t kChunk = 8192;
  std::vector<std::string> chunks(threads);
  for (std::uint64_t round = 0; round < options.count; round += kChunk * threads) {
    parallel_ranges(threads, threads, [&](std::size_t begin, std::size_t end) {
      for (std::size_t t = begin; t < end; ++t) {
        std::string& out = chunks[t];
        out.clear();
        std::uint64_t first = round + t * kChunk;
        std::uint64_t last = std::min(options.count, first + kChunk);
        for (std::uint64_t i = first; i < last; ++i) {
          std::size_t author = 0;
          nostr::Event event = make_event(options, authors, i, author);
          authors.sign(event, author);
          nostr::append_json(out, event);
          out += '\n';
        }
      }
    });
    for (const auto& chunk : chunks) std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    if (std::ferror(stdout)) throw std::runtime_error("writing the events failed");
  }
  std::fflush(stdout);
  double seconds = seconds_between(started, Clock::now());
  std::cerr << "generate: " << options.count << " events from " << options.authors << " authors in "
            << seconds << " s on " << threads << " threads\n";
}

}  // namespace pleb::load
