#pragma once
// Discretisation and discrete information measures shared by MIG (and later SAP/unsupervised):
// NumPy `histogram` + `digitize` binning and scikit-learn `mutual_info_score` (natural log).
#include <cstdint>
#include <vector>

#include "metrics/metric.hpp"

namespace disent::metrics {

// Bin one latent's values into 1..num_bins: NumPy histogram edges over [min, max] (a constant row uses
// [v - 0.5, v + 0.5]), then np.digitize against the left edges, so the maximum lands in bin num_bins.
// Throws std::runtime_error for NaN/infinite values (NumPy refuses a non-finite range too).
std::vector<int64_t> histogram_discretize(const std::vector<double>& values, int num_bins = 20);
// Every latent column of `codes` binned independently; the result has the layout of codes (n x z).
Factors histogram_discretize(const Codes& codes, int num_bins = 20);

// Mutual information (nats) of two equally long label vectors, as sklearn.metrics.mutual_info_score.
double mutual_info(const std::vector<int64_t>& a, const std::vector<int64_t>& b);
// Entropy (nats) of a label vector, H(y) = MI(y, y).
double entropy(const std::vector<int64_t>& y);

// Column j of a factor-like matrix.
std::vector<int64_t> column(const Factors& m, int64_t j);
std::vector<double> column(const Codes& m, int64_t j);

// M[z * f + j] = MI(discrete code z, factor j): row-major (z x f).
std::vector<double> discrete_mutual_info(const Factors& discrete_codes, const Factors& factors);
// H_j = entropy of factor j.
std::vector<double> discrete_entropy(const Factors& factors);

}  // namespace disent::metrics
