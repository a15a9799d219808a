#pragma once
// Metrics and pictures of a trained model: encode in large batches on the run's device.
#include <string>
#include <vector>

#include "io/png.hpp"
#include "metrics/metric.hpp"
#include "train/experiment.hpp"

namespace disent::train {

// Encoder callback for metrics: dataset indices → representation (posterior means), in batches of
// `encode_batch` (0: 256 on CPU, 4096 on a GPU).
metrics::MetricContext metric_context(Experiment& e, uint64_t seed, int64_t encode_batch = 0);

// Runs the named metrics with a preset ("fast" | "full"); results keyed "metric" -> {"key" -> value}.
std::vector<std::pair<std::string, metrics::MetricResult>> run_metrics(Experiment& e, const std::vector<std::string>& names,
                                                                       const std::string& preset, uint64_t seed);

// One metric with its own seed (run_metrics uses derive_seed(seed, i) for the i-th name).
metrics::MetricResult run_metric(Experiment& e, const std::string& name, const std::string& preset, uint64_t metric_seed);

// Latent traversal grid (rows = latent units, columns = values from the min to the max of that unit's
// posterior means over 64 seeded samples, the others fixed at the first sample's code).
io::Image latent_traversal_grid(Experiment& e, int64_t frames = 10, uint64_t seed = 7777);

}  // namespace disent::train
