#pragma once
// Factor importance (paper Table A1 / Fig A1, reference §2.2): the perceived distance (a recon loss's
// per-pair mean on [0, 1] images, not standardised) between pairs that differ only along one factor,
// and between random pairs. Sampling follows the paper: per factor, a random traversal, int(n·√n/2)
// index pairs with replacement, pairs with a = b dropped, repeated until `pairs` distances are collected
// (exactly the first `pairs` kept); random pairs are uniform over the dataset (a = b possible).
// With `exact`, each of `traversals` random traversals contributes every ordered pair i != j instead.
#include <cstdint>
#include <string>
#include <vector>

#include "data/ground_truth.hpp"
#include "io/png.hpp"
#include "losses/recon_loss.hpp"

namespace disent::analysis {

struct ImportanceOptions {
    int64_t pairs = 50000;      // distances per factor and for the random pairs
    uint64_t seed = 777;
    bool exact = false;         // enumerate all ordered pairs i != j along traversals
    int64_t traversals = 1;     // traversals enumerated per factor when exact
};

struct ImportanceRow {
    std::string factor;  // factor name, or "random"
    double mean = 0, std = 0;
    int64_t pairs = 0;
    std::vector<double> distances;  // every sampled distance (for the CDF)
};

// Rows ordered by decreasing mean (the importance order), the `random` row included in that order.
std::vector<ImportanceRow> factor_importance(const data::GroundTruthData& ds, const losses::ReconLoss& loss,
                                             const ImportanceOptions& opt);

// DIR/importance.csv (factor,mean,std,pairs) and DIR/importance.png (cumulative distributions).
void write_importance(const std::string& dir, const std::vector<ImportanceRow>& rows, const std::string& dataset,
                      const std::string& loss);

}  // namespace disent::analysis
