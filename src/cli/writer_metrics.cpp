#include "cli/writer_metrics.hpp"

namespace pleb::cli {

void write_writer_metrics(const store::BatchWriter& writer, metrics::TextWriter& out) {
  auto stats = writer.stats();
  out.family("pleb_writer_batches_total", "Group-committed write transactions.", "counter");
  out.sample("pleb_writer_batches_total", stats.batches);
  out.family("pleb_writer_events_total", "Events written through group commit.", "counter");
  out.sample("pleb_writer_events_total", stats.events);
  out.family("pleb_writer_refused_total", "Events refused because the write queue was full or stopping.",
             "counter");
  out.sample("pleb_writer_refused_total", stats.refused);
  out.family("pleb_writer_largest_batch", "Largest batch committed in one transaction.", "gauge");
  out.sample("pleb_writer_largest_batch", static_cast<std::uint64_t>(stats.largest_batch));
}

}  // namespace pleb::cli
