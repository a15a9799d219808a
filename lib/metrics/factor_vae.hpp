#pragma once
// FactorVAE score (spec §8.4; disent metric_factor_vae.py, after disentanglement_lib factor_vae.py).
#include "metrics/metric.hpp"

namespace disent::metrics {

// Majority-vote classifier scores from vote matrices (f x z, row-major): train accuracy of the
// classifier class(d) = argmax_k train[k, d] (first maximum), and its accuracy on `eval`.
std::pair<double, double> factor_vae_accuracies(const std::vector<int64_t>& train_votes, const std::vector<int64_t>& eval_votes,
                                                int64_t f, int64_t z);

// Registers "factor_vae": batch_size, num_train, num_eval, num_variance_estimate, prune_threshold
// (0.0 = disent: every non-NaN latent is active; 0.05 = disentanglement_lib's _prune_dims).
void register_factor_vae(Registry<MetricDef>& registry);

// Uniform sample of n distinct dataset indices (n is clipped to the dataset size).
std::vector<int64_t> sample_without_replacement(int64_t size, int64_t n, Rng& rng);

}  // namespace disent::metrics
