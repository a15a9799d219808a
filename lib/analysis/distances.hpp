#pragma once
// Ground-truth vs perceived distance matrices along factor traversals (paper Figs 3, 8 and the top of
// Fig 10; reference §2.1): for each factor, `traversals` random traversals (base factors uniform, the
// factor set to 0..n-1); per pair the ground-truth L1 distance |i-j| and the recon loss's pairwise mean
// on [0, 1] images; both averaged over the traversals.
#include <cstdint>
#include <string>
#include <vector>

#include "data/ground_truth.hpp"
#include "losses/recon_loss.hpp"

namespace disent::analysis {

struct FactorMatrices {
    std::string factor;
    int n = 0;
    std::vector<double> ground_truth, perceived;  // n x n, row-major
};

std::vector<FactorMatrices> distance_matrices(const data::GroundTruthData& ds, const losses::ReconLoss& loss,
                                              int64_t traversals = 256, uint64_t seed = 777);

// DIR/distances.csv (factor,i,j,ground_truth,perceived) and DIR/distances.png (rows factors, columns
// ground truth / perceived).
void write_distances(const std::string& dir, const std::vector<FactorMatrices>& m, const std::string& dataset,
                     const std::string& loss);

}  // namespace disent::analysis
