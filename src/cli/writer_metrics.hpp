#pragma once
// The group-commit writer's counters for /metrics, in every process that writes (serve, processor).
#include "metrics/exposition.hpp"
#include "store/batch_writer.hpp"

namespace pleb::cli {

void write_writer_metrics(const store::BatchWriter& writer, metrics::TextWriter& out);

}  // namespace pleb::cli
