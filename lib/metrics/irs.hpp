#pragma once
// Interventional Robustness Score (Suter et al. 2019; disentanglement_lib irs.py).
#include "metrics/metric.hpp"

namespace disent::metrics {

// Indices of the latents whose standard deviation (ddof 0) is > 0 (dlib _drop_constant_dims).
std::vector<int64_t> non_constant_dims(const Codes& codes);
// dlib scalable_disentanglement_score on discrete factors and (active) latents: returns avg_score,
// the max-deviation-weighted mean over latents of max_j (1 - E_g[percentile_q |z - E[z|g_j]|] / max dev).
double irs_score(const Factors& discrete_factors, const Codes& active_codes, double diff_quantile = 0.99);
// irs.score (0 when every latent is constant) and irs.num_active_dims (the number of non-constant
// latents; dlib reports np.sum of their values instead, a quirk we do not copy). Factors are
// discretised with 20 histogram bins as dlib does (integer factors with <= 20 values keep their classes).
MetricResult compute_irs(const Codes& codes, const Factors& factors, double diff_quantile = 0.99, bool discretize_factors = true);

void register_irs(Registry<MetricDef>& registry);

}  // namespace disent::metrics
