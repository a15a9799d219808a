#pragma once
// Factored components (spec §8.7, disent metric_factored_components.py): `factored_components`
// (distances + linearity), `distances` (distances only; needs MetricContext::observe) and
// `linearity` (linearity only; codes of traversals).
#include "metrics/metric.hpp"

namespace disent::metrics {

// Ratio score of a value vector: r = max / sum, normalised (r - 1/n) / (1 - 1/n).
double ratio_score(std::vector<double> v);
// Per-traversal linearity: axis ratio of the per-dim variances (ddof 1), linear ratio of the PCA
// eigenvalues of the centred covariance (|eigenvalues|); `axis_var` receives the per-dim variances.
void linearity_of_traversal(const std::vector<double>& z, int64_t s, int64_t zd, double& axis_ratio, double& linear_ratio,
                            std::vector<double>& axis_var);
// float64 geometric mean exp(mean(log v)) (negative -> NaN, zero -> 0).
double geometric_mean(const std::vector<double>& v);

// Ordering agreement and correlations between two distance types over triplets: a holds the (a,p)
// distances then the (a,n) distances (2m values), same for b. rsame = fraction of triplets whose
// comparisons agree (<, ==, >); rcorr = Spearman, lcorr = Pearson over the 2m values.
struct DistanceAgreement {
    double rsame = 0, rcorr = 0, lcorr = 0;
};
DistanceAgreement distance_agreement(const std::vector<double>& a, const std::vector<double>& b);

void register_factored_components(Registry<MetricDef>& registry);  // factored_components, distances, linearity

}  // namespace disent::metrics
