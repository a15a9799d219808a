#pragma once
// Distances between factor positions, used to order the positive and negative of a triplet (spec §6.5
// swap metrics, §6.6 gt_dist). Comparisons are exact: scaled distances are sums of fractions
// |delta_f| / max(1, size_f - 1), compared over a common denominator in 128-bit integers, so ties stay ties
// (floating point would order some equal distances, e.g. 1/3 + 1/3 + 1/3 against 1).
#include <cstdint>
#include <vector>

namespace disent::data {

enum class FactorMetric {
    Differing,        // number of factors that differ
    Manhattan,        // sum |delta|
    ManhattanScaled,  // sum |delta| / max(1, size - 1)
    Euclidean,        // sqrt(sum delta^2), compared through the squares
    EuclideanScaled,  // sqrt(sum (delta / max(1, size - 1))^2)
};

class FactorDistance {
public:
    explicit FactorDistance(std::vector<int64_t> factor_sizes);

    // Sign of d(a, b) - d(a, c): -1, 0 or 1. Positions have one entry per factor, each in [0, size).
    int compare(FactorMetric m, const int64_t* a, const int64_t* b, const int64_t* c) const;
    // Whether compare(m, ...) is exact for every position of this state space. Only EuclideanScaled can fail,
    // for state spaces far beyond any dataset (squared scaled sums beyond 2^127); compare() throws then.
    bool exact(FactorMetric m) const { return m != FactorMetric::EuclideanScaled || scaled_sq_fits_; }

private:
    // Distance scaled by the common denominator L = lcm(max(1, size_f - 1)): integer valued.
    unsigned __int128 scaled(FactorMetric m, const int64_t* a, const int64_t* b) const;

    std::vector<int64_t> sizes_;
    std::vector<unsigned __int128> weight_;  // L / max(1, size_f - 1); L <= product of sizes < 2^63
    bool scaled_sq_fits_ = true;
};

}  // namespace disent::data
