#pragma once
// Modularity and explicitness (Ridgeway & Zemel 2018; disentanglement_lib modularity_explicitness.py).
#include "metrics/metric.hpp"

namespace disent::metrics {

// Modularity of an MI matrix m (z x f, row-major): mean over latents of 1 - (sum_j m^2 - max m^2) /
// (max m^2 (f - 1)); a latent whose max is 0 scores 0.
double modularity_from_mi(const std::vector<double>& m, int64_t z, int64_t f);
// Explicitness of one factor: macro one-vs-rest ROC AUC of LogisticRegression() probabilities on the
// train and test codes (codes already normalised). Classes absent from an evaluated split are skipped.
std::pair<double, double> explicitness_per_factor(const Codes& train_codes, const std::vector<int64_t>& y_train,
                                                  const Codes& test_codes, const std::vector<int64_t>& y_test);
// modularity.modularity_score, modularity.explicitness_score_train, modularity.explicitness_score_test.
// Codes are discretised with 20 bins for the MI; explicitness normalises with the train mean/std
// (a constant latent gets std 1 instead of dlib's division by zero).
MetricResult compute_modularity(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                                const Factors& test_factors, bool explicitness = true);

void register_modularity(Registry<MetricDef>& registry);

}  // namespace disent::metrics
