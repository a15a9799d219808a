#pragma once
// Distances learnt by a trained run (paper Figs 4 and 10; reference §2.4): for each factor, matrices
// averaged over `traversals` random traversals (inputs standardised as in training) at every level:
//   ground_truth    |i - j|
//   perceived_data  the run's recon loss (pairwise mean) between the two standardised inputs
//   latent_l2       L2 distance between the posterior means (the representation, for an AE)
//   latent_kl       symmetric KL ½KL(q_a‖q_b) + ½KL(q_b‖q_a), averaged over latent dims (VAEs only)
//   perceived_recon the run's recon loss between the decoded posterior means
// and the Spearman rank correlation of each level's upper-triangle entries with the ground truth.
#include <cstdint>
#include <string>
#include <vector>

#include "train/experiment.hpp"

namespace disent::analysis {

struct LearnedResult {
    std::vector<std::string> levels;   // level names in column order (latent_kl absent for an AE)
    std::vector<std::string> factors;
    std::vector<int> sizes;
    // matrices[f][level] : n_f x n_f row-major
    std::vector<std::vector<std::vector<double>>> matrices;
    // correlation[f][level] with the ground truth; the last row ("all") pools every factor's entries
    std::vector<std::vector<double>> correlation;
};

// A trained run: resolve RUN_DIR/config.yaml (with `overrides`, e.g. device=cpu), build it and load
// RUN_DIR/checkpoints/last.pt.
train::Experiment load_run(const std::string& run_dir, const std::vector<std::string>& overrides = {});
bool is_run_dir(const std::string& path);

LearnedResult learned_distances(train::Experiment& e, int64_t traversals = 100, uint64_t seed = 7777);

// DIR/learned.csv (factor,i,j,<levels...>), DIR/learned_correlation.csv (factor,level,spearman) and
// DIR/learned.png (rows factors, one panel per level).
void write_learned(const std::string& dir, const LearnedResult& r, const std::string& title);

}  // namespace disent::analysis
