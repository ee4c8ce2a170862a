// Tag queries on the PostgreSQL store: the event_tags side table against a GIN index on events.tags.
//
//   tests/servers/run-with --postgres -- build/bench/pg_tag_index_bench [events] [runs]
//
// For each tag index it creates a database, prepares monthly partitions for the year the events
// span, loads the same generated events with COPY, then times queries through EventStore::query(),
// as the relay runs them: median and 95th percentile over `runs` runs after one warm-up run.
// Figures and method: docs/POSTGRES.md.
#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nostr/json_writer.hpp"
#include "nostr/sha256.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/schema.hpp"
#include "store/postgres/sql_text.hpp"

namespace {

using pleb::nostr::Bytes32;
using pleb::nostr::Event;
using pleb::store::TagIndex;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kEnd = 1'767'225'600;  // 2026-01-01: events span the year before it
constexpr std::int64_t kSpan = 365 * 86400;
constexpr int kAuthors = 1000;
constexpr int kHashtags = 1000;
constexpr int kMentioned = 10000;

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

Bytes32 key_of(const char* kind, int n) {
  return pleb::nostr::sha256(std::string(kind) + std::to_string(n));
}

std::string hashtag(int n) {
  return n == 0 ? "nostr" : "tag" + std::to_string(n);
}

constexpr std::uint64_t kThread = 1000;  // event i replies (30%) to event i - i % kThread, its thread's root

// Event i, the same on every run: 70% kind 1, 30% kind 7; every event has a hashtag ("nostr" in
// 10%, otherwise one of 999 others), one or two p tags among 10000 keys, and 30% reply to the first
// event of their block of 1000 (an e tag: threads of ~300 replies).
Event make_event(std::uint64_t i, std::uint64_t total) {
  std::uint64_t h = mix(i);
  Event e;
  e.pubkey = key_of("author", static_cast<int>(h % kAuthors));
  e.created_at = kEnd - kSpan + static_cast<std::int64_t>(i * kSpan / total);
  e.kind = (h >> 8) % 10 < 7 ? 1 : 7;
  int tag = (h >> 16) % 10 == 0 ? 0 : 1 + static_cast<int>((h >> 20) % (kHashtags - 1));
  e.tags.push_back({"t", hashtag(tag)});
  e.tags.push_back({"p", pleb::nostr::to_hex(key_of("mention", static_cast<int>((h >> 32) % kMentioned)))});
  if ((h >> 48) % 2) {
    e.tags.push_back({"p", pleb::nostr::to_hex(key_of("mention", static_cast<int>((h >> 40) % kMentioned)))});
  }
  if (i % kThread != 0 && (h >> 52) % 10 < 3) {
    e.tags.push_back({"e", pleb::nostr::to_hex(make_event(i - i % kThread, total).id)});
  }
  e.content =
      "note " + std::to_string(i) + " about " + hashtag(tag) + ", written for the tag index benchmark";
  e.id = pleb::nostr::compute_id(e);
  return e;
}

std::string bytea_text(const std::uint8_t* data, std::size_t size) {
  std::string out = "\\x";
  pleb::nostr::append_hex(out, data, size);
  return out;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// COPY of the events, then event_ids and event_tags derived in SQL, as the store's own inserts do.
void load(const std::string& url, TagIndex index, std::uint64_t total) {
  pqxx::connection connection(url);
  pleb::store::pg::ensure_partitions(connection, kEnd - kSpan, 13);
  auto start = Clock::now();
  {
    pqxx::work txn(connection);
    pqxx::stream_to copy(txn, "events",
                         std::vector<std::string>{"created_at", "event_id", "pubkey", "kind", "content",
                                                  "tags", "sig", "raw", "received_at"});
    for (std::uint64_t i = 0; i < total; ++i) {
      Event e = make_event(i, total);
      copy << std::make_tuple(std::to_string(e.created_at), bytea_text(e.id.data(), 32),
                              bytea_text(e.pubkey.data(), 32), std::to_string(e.kind), e.content,
                              pleb::store::pg::tags_json_for_sql(e.tags), bytea_text(e.sig.data(), 64),
                              pleb::nostr::to_json(e), std::to_string(kEnd));
    }
    copy.complete();
    txn.exec("INSERT INTO event_ids (event_id, created_at) SELECT event_id, created_at FROM events");
    if (index == TagIndex::kSideTable) {
      txn.exec(
          "INSERT INTO event_tags (name, value, created_at, event_id) "
          "SELECT DISTINCT el->>0, event_tag_key(el->>1), e.created_at, e.event_id "
          "FROM events e, jsonb_array_elements(e.tags) el "
          "WHERE jsonb_array_length(el) >= 2 AND octet_length(el->>0) = 1");
    }
    txn.commit();
  }
  double load_seconds = seconds_since(start);
  pqxx::nontransaction txn(connection);
  txn.exec("VACUUM ANALYZE");
  auto size = txn.exec1(index == TagIndex::kSideTable
                            ? "SELECT pg_size_pretty(pg_total_relation_size('event_tags'))"
                            : "SELECT pg_size_pretty(sum(pg_relation_size(indexrelid))) FROM pg_index "
                              "WHERE indexrelid::regclass::text LIKE '%tags%'");
  std::printf("  loaded %llu events in %.1f s (%.0f events/s); tag index size %s\n",
              static_cast<unsigned long long>(total), load_seconds, static_cast<double>(total) / load_seconds,
              size[0].c_str());
}

struct Case {
  const char* name;
  pleb::nostr::Filter filter;
};

std::vector<Case> cases(std::uint64_t total) {
  Event root = make_event(total / 2 - total / 2 % kThread, total);
  std::vector<Case> out;
  auto tag = [](char letter, std::vector<std::string> values, std::uint64_t limit) {
    std::sort(values.begin(), values.end());
    pleb::nostr::Filter f;
    f.tags.push_back({letter, std::move(values)});
    f.limit = limit;
    return f;
  };
  out.push_back({"#t [nostr] limit 100 (10% of events)", tag('t', {"nostr"}, 100)});
  out.push_back({"#t [tag7] limit 100 (0.1%)", tag('t', {"tag7"}, 100)});
  out.push_back({"#t 5 values limit 100", tag('t', {"nostr", "tag1", "tag2", "tag3", "tag4"}, 100)});
  std::vector<std::string> mentions;
  for (int i = 0; i < 20; ++i) mentions.push_back(pleb::nostr::to_hex(key_of("mention", i * 37)));
  out.push_back({"#p 20 values limit 100", tag('p', mentions, 100)});
  auto thread = tag('e', {pleb::nostr::to_hex(root.id)}, 500);
  thread.kinds = std::vector<std::uint32_t>{1, 7};
  out.push_back({"#e [one id] kinds [1,7] limit 500", thread});
  auto both = tag('t', {"nostr"}, 100);
  both.tags.push_back({'p', {mentions[0], mentions[1], mentions[2]}});
  std::sort(both.tags.back().values.begin(), both.tags.back().values.end());
  out.push_back({"#t [nostr] and #p 3 values limit 100", both});
  return out;
}

void measure(pleb::store::EventStore& store, const Case& c, int runs) {
  std::vector<double> ms;
  std::size_t delivered = 0;
  std::string plan;
  for (int run = 0; run <= runs; ++run) {
    auto start = Clock::now();
    auto cursor = store.query({c.filter}, kEnd);
    std::size_t n = 0;
    while (
        !cursor->step(std::chrono::seconds(10), [&](const pleb::store::StoredEvent&) { return ++n, true; })) {
    }
    if (run > 0) ms.push_back(seconds_since(start) * 1000);
    delivered = n;
    plan = cursor->stats().plan;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("  %-40s %5zu events  median %8.2f ms  p95 %8.2f ms  (%s)\n", c.name, delivered,
              ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], plan.c_str());
}

// Group commits through EventStore::write() on top of the loaded data: the rules, the indexes and
// the tag entries of every event, one transaction per batch.
void measure_writes(pleb::store::EventStore& store, std::uint64_t total) {
  constexpr std::uint64_t kBatch = 1000;
  constexpr int kBatches = 20;
  auto start = Clock::now();
  for (int b = 0; b < kBatches; ++b) {
    std::vector<Event> batch;
    for (std::uint64_t i = 0; i < kBatch; ++i) batch.push_back(make_event(total + b * kBatch + i, total));
    for (const auto& r : store.write(batch, kEnd)) {
      if (!r.ok()) throw std::runtime_error("write failed: " + r.message);
    }
  }
  double seconds = seconds_since(start);
  std::printf("  write(): %d batches of %llu events in %.2f s (%.0f events/s)\n", kBatches,
              static_cast<unsigned long long>(kBatch), seconds, kBatches * kBatch / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 30;
  const char* server = std::getenv("DATABASE_URL");
  if (!server) {
    std::fprintf(stderr, "DATABASE_URL is not set: run under tests/servers/run-with --postgres\n");
    return 2;
  }
  try {
    for (TagIndex index : {TagIndex::kSideTable, TagIndex::kGin}) {
      const std::string name = index == TagIndex::kSideTable ? "bench_side_table" : "bench_gin";
      {
        pqxx::connection admin(server);
        pqxx::nontransaction txn(admin);
        txn.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        txn.exec("CREATE DATABASE " + name);
      }
      std::string url = server;
      url = url.substr(0, url.rfind('/') + 1) + name;
      pleb::store::PostgresOptions options;
      options.tag_index = index;
      auto store = pleb::store::open_postgres_store(url, options);
      std::printf("%s\n", index == TagIndex::kSideTable ? "side table (event_tags)" : "GIN (events.tags)");
      load(url, index, total);
      for (const auto& c : cases(total)) measure(*store, c, runs);
      measure_writes(*store, total);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pg_tag_index_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
