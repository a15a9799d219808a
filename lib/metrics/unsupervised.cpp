#include "metrics/unsupervised.hpp"

#include <cmath>
#include <stdexcept>

#include "metrics/discretize.hpp"
#include "metrics/stats.hpp"

namespace disent::metrics {

double gaussian_total_correlation(const std::vector<double>& cov, int64_t z) {
    double sum_log_diag = 0.0;
    for (int64_t i = 0; i < z; ++i) sum_log_diag += std::log(cov[i * z + i]);
    return 0.5 * (sum_log_diag - log_abs_det(cov, z));
}

double gaussian_wasserstein_correlation(const std::vector<double>& cov, int64_t z) {
    std::vector<double> sym(z * z);
    double trace = 0.0;
    for (int64_t i = 0; i < z; ++i) {
        trace += cov[i * z + i];
        for (int64_t j = 0; j < z; ++j)
            sym[i * z + j] = std::sqrt(cov[i * z + i]) * cov[i * z + j] * std::sqrt(cov[j * z + j]);
    }
    double trace_sqrt = 0.0;
    for (double ev : symmetric_eigenvalues(sym, z)) trace_sqrt += std::sqrt(std::max(ev, 0.0));
    return 2.0 * trace - 2.0 * trace_sqrt;
}

MetricResult compute_unsupervised(const Codes& codes, int num_bins) {
    if (codes.z < 1 || codes.n < 2) throw std::invalid_argument("unsupervised: needs at least one latent and two points");
    const std::vector<double> cov = covariance(codes);
    double trace = 0.0;
    for (int64_t i = 0; i < codes.z; ++i) trace += cov[i * codes.z + i];
    MetricResult r;
    r["unsup.gauss_total_corr"] = gaussian_total_correlation(cov, codes.z);
    const double wc = gaussian_wasserstein_correlation(cov, codes.z);
    r["unsup.gauss_wasser_corr"] = wc;
    r["unsup.gauss_wasser_corr_norm"] = wc / trace;
    // Mean pairwise MI between discretised latents, diagonal excluded (NaN for a single latent, as dlib).
    const Factors disc = histogram_discretize(codes, num_bins);
    const std::vector<double> m = discrete_mutual_info(disc, disc);
    double off = 0.0;
    for (int64_t i = 0; i < codes.z; ++i)
        for (int64_t j = 0; j < codes.z; ++j)
            if (i != j) off += m[i * codes.z + j];
    r["unsup.mi_score"] = off / static_cast<double>(codes.z * codes.z - codes.z);
    return r;
}

void register_unsupervised(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "unsupervised";
    info.description = "unsupervised scores: Gaussian total correlation, Wasserstein correlation, mean pairwise MI of latents";
    info.params = {
        {"num_train", ParamType::Int, "10000", "number of sampled codes", 2.0},
        {"batch_size", ParamType::Int, "16", "encoder batch size while sampling", 1.0},
    };
    MetricDef def;
    def.fast = {{"num_train", "2000"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        Codes codes;
        Factors factors;
        sample_train_codes(ctx, p, codes, factors);
        return compute_unsupervised(codes);
    };
    def.run_codes = [](const StoredCodes& s, const Params&, uint64_t) { return compute_unsupervised(s.train_codes); };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
