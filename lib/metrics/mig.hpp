#pragma once
// Mutual Information Gap (spec §8.2).
#include "metrics/metric.hpp"

namespace disent::metrics {

// MIG of already discrete codes: mean_j (top1_z M[z,j] - top2_z M[z,j]) / H(factor_j).
// A single latent has no runner-up, so its gap is top1 (disent would raise an IndexError).
double mig_from_discrete(const Factors& discrete_codes, const Factors& factors);
// MIG of continuous codes after 20-bin histogram discretisation: {"mig.discrete_score": ...}.
MetricResult compute_mig(const Codes& codes, const Factors& factors, int num_bins = 20);

// Registers "mig" (num_train, batch_size) into `registry`.
void register_mig(Registry<MetricDef>& registry);

}  // namespace disent::metrics
