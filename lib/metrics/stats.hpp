#pragma once
// Small numerical helpers shared by the metrics (NumPy/SciPy semantics noted per function).
#include <cstdint>
#include <vector>

#include "metrics/metric.hpp"

namespace disent::metrics {

// np.cov(codes.T): z x z covariance of the latent columns, ddof 1 (row-major).
std::vector<double> covariance(const Codes& codes);
// Column means and standard deviations (ddof 0, as np.std).
std::vector<double> column_means(const Codes& codes);
std::vector<double> column_stds(const Codes& codes);

// Eigenvalues of a symmetric n x n matrix (cyclic Jacobi), descending.
std::vector<double> symmetric_eigenvalues(std::vector<double> a, int64_t n);
// np.linalg.slogdet: log|det a| by LU with partial pivoting; -inf for a singular matrix. `sign` gets 0, 1 or -1.
double log_abs_det(std::vector<double> a, int64_t n, int* sign = nullptr);

// Variance of v (ddof 0 or 1).
double variance(const std::vector<double>& v, int ddof);
// Pearson correlation (NaN when a side is constant, as NumPy).
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// scipy.stats.rankdata(method="average") (1-based ranks).
std::vector<double> average_ranks(const std::vector<double>& x);
// scipy.stats.spearmanr: Pearson correlation of the average ranks.
double spearman(const std::vector<double>& x, const std::vector<double>& y);
// np.percentile(v, q) with the default linear interpolation, q in [0, 100].
double percentile(std::vector<double> v, double q);

// Binary ROC AUC (sklearn roc_auc_score for one column): probability that a positive scores above a
// negative, ties counting one half. NaN if only one class is present.
double roc_auc(const std::vector<int>& is_positive, const std::vector<double>& scores);

}  // namespace disent::metrics
