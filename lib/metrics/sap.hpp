#pragma once
// SAP score (spec §8.3, disentanglement_lib sap_score.py).
#include "metrics/metric.hpp"

namespace disent::metrics {

// Score matrix S[z * f + j]: discrete mode = test accuracy of a LinearSVC(C=0.01,
// class_weight="balanced") on the single feature code_z (liblinear's L2-regularised L2-loss dual
// solver, one-vs-rest, bias 1, tol 1e-4, 1000 iterations, as scikit-learn calls it); continuous mode =
// cov(z, y)^2 / (var z var y) (ddof 1), 0 when var z <= 1e-12 (test codes unused).
std::vector<double> sap_score_matrix(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                                     const Factors& test_factors, bool continuous);
// mean_j (largest - second largest S[:, j]); a single latent has no runner-up (gap = largest).
double sap_from_matrix(const std::vector<double>& s, int64_t z, int64_t f);
// {"sap.score": ...}
MetricResult compute_sap(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                         const Factors& test_factors, bool continuous);

// Test accuracy of LinearSVC(C, class_weight="balanced") on one feature (exposed for tests).
double linear_svc_accuracy(const std::vector<double>& x_train, const std::vector<int64_t>& y_train,
                           const std::vector<double>& x_test, const std::vector<int64_t>& y_test, double C = 0.01);

void register_sap(Registry<MetricDef>& registry);

}  // namespace disent::metrics
