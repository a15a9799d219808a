#pragma once
// Unsupervised scores (spec §8.5, disentanglement_lib unsupervised_metrics.py).
#include "metrics/metric.hpp"

namespace disent::metrics {

// 0.5 (sum_i log S_ii - log|det S|) of a z x z covariance (row-major).
double gaussian_total_correlation(const std::vector<double>& cov, int64_t z);
// 2 tr(S) - 2 tr(sqrtm(S * diag(S)[:, None])). The matrix under sqrtm is D S with D = diag(S), similar to
// the symmetric D^1/2 S D^1/2, so its trace of the square root is the sum of square roots of that
// symmetric matrix's eigenvalues (tiny negative eigenvalues from rounding count as 0).
double gaussian_wasserstein_correlation(const std::vector<double>& cov, int64_t z);
// unsup.gauss_total_corr, unsup.gauss_wasser_corr, unsup.gauss_wasser_corr_norm, unsup.mi_score.
MetricResult compute_unsupervised(const Codes& codes, int num_bins = 20);

void register_unsupervised(Registry<MetricDef>& registry);

}  // namespace disent::metrics
