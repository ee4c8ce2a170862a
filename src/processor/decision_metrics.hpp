#pragma once
// The write-policy pipeline's decisions as Prometheus samples, for every process that runs one.
#include "metrics/exposition.hpp"
#include "processor/write_policy.hpp"

namespace pleb::processor {

// pleb_policy_decisions_total{stage, verdict, reason}, counted since the pipeline was put in force.
void write_decision_metrics(const Pipeline& pipeline, metrics::TextWriter& out);

}  // namespace pleb::processor
