#pragma once
// DCI: disentanglement, completeness, informativeness (spec §8.1) from GBT feature importances.
#include <cstdint>
#include <vector>

#include "metrics/metric.hpp"

namespace disent::metrics {

// R[z, j] (row-major, z latents x f factors): importance of latent z for predicting factor j.
struct ImportanceMatrix {
    int64_t z = 0, f = 0;
    std::vector<double> values;
    double at(int64_t i, int64_t j) const { return values[i * f + j]; }
};

// sum_z rho_z (1 - H_F(R[z, :])); entropies of rows + 1e-11, log base F; an all-zero R weighs codes equally.
double dci_disentanglement(const ImportanceMatrix& r);
// sum_j rho_j (1 - H_Z(R[:, j])); log base Z.
double dci_completeness(const ImportanceMatrix& r);

struct GbtImportance {
    ImportanceMatrix importance;
    double accuracy_train = 0.0, accuracy_test = 0.0;  // mean over factors
};
// One GradientBoostingClassifier per factor on the train codes; the seed of factor j is derive_seed(seed, j).
GbtImportance compute_importance_gbt(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                                     const Factors& test_factors, uint64_t seed);

// dci.disentanglement, dci.completeness, dci.informativeness_train, dci.informativeness_test.
MetricResult compute_dci(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                         const Factors& test_factors, uint64_t seed);

// Registers "dci" (num_train, num_test, batch_size, boost_mode) into `registry`.
void register_dci(Registry<MetricDef>& registry);

}  // namespace disent::metrics
