#include "metrics/exposition.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace pleb::metrics {
namespace {

TEST(Exposition, FamilyAndSamplesInTextFormat) {
  TextWriter out;
  out.family("nostr_events_processed_total", "Events answered.", "counter");
  out.sample("nostr_events_processed_total", std::uint64_t{3}, {{"result", "stored"}});
  out.sample("nostr_events_processed_total", std::uint64_t{1}, {{"result", "rejected"}, {"reason", "pow"}});
  EXPECT_EQ(out.text(),
            "# HELP nostr_events_processed_total Events answered.\n"
            "# TYPE nostr_events_processed_total counter\n"
            "nostr_events_processed_total{result=\"stored\"} 3\n"
            "nostr_events_processed_total{result=\"rejected\",reason=\"pow\"} 1\n");
}

TEST(Exposition, LabelValuesAndHelpAreEscaped) {
  TextWriter out;
  out.family("m", "line\none \\ back", "gauge");
  out.sample("m", 1.5, {{"v", "a\"b\\c\nd"}});
  EXPECT_EQ(out.text(), "# HELP m line\\none \\\\ back\n# TYPE m gauge\nm{v=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Histogram histogram({0.1, 1});
  histogram.observe(0.05);
  histogram.observe(0.1);  // upper bounds are inclusive
  histogram.observe(0.5);
  histogram.observe(7);
  TextWriter out;
  histogram.write(out, "d", "Durations.");
  EXPECT_EQ(out.text(),
            "# HELP d Durations.\n# TYPE d histogram\n"
            "d_bucket{le=\"0.1\"} 2\nd_bucket{le=\"1\"} 3\nd_bucket{le=\"+Inf\"} 4\n"
            "d_sum 7.65\nd_count 4\n");
}

TEST(Exposition, HistogramCountsEveryObservationFromManyThreads) {
  Histogram histogram(Histogram::latency_seconds());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 10000; ++i) histogram.observe(0.001 * (i % 50));
    });
  }
  for (auto& thread : threads) thread.join();
  TextWriter out;
  histogram.write(out, "h", "x");
  EXPECT_NE(out.text().find("h_bucket{le=\"+Inf\"} 40000\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("h_count 40000\n"), std::string::npos);
}

}  // namespace
}  // namespace pleb::metrics
