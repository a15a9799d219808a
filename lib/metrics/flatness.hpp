#pragma once
// Flatness (spec §8.6, disent-original metric_flatness.py).
#include "metrics/metric.hpp"

namespace disent::metrics {

// Width (diameter) and mean of the S-1 smallest wrap-around consecutive deltas of one traversal
// embedding z (s x zdim, row-major) under the L1 (p = 1) or L2 (p = 2) norm.
void traversal_width_delta(const std::vector<double>& z, int64_t s, int64_t zdim, int p, double& width, double& ave_delta);

// Registers "flatness" (repeats, batch_size). Keys flatness.ave_flatness (L2 width / L1 length),
// ave_flatness_l1, ave_flatness_l2, ave_width_l1, ave_width_l2, ave_length_l1, ave_length_l2.
void register_flatness(Registry<MetricDef>& registry);

}  // namespace disent::metrics
