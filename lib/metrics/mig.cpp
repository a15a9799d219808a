#include "metrics/mig.hpp"

#include <algorithm>
#include <stdexcept>

#include "metrics/discretize.hpp"

namespace disent::metrics {

double mig_from_discrete(const Factors& discrete_codes, const Factors& factors) {
    if (discrete_codes.f < 1 || factors.f < 1) throw std::invalid_argument("mig: needs at least one latent and one factor");
    const std::vector<double> m = discrete_mutual_info(discrete_codes, factors);
    const std::vector<double> h = discrete_entropy(factors);
    double total = 0.0;
    for (int64_t j = 0; j < factors.f; ++j) {
        std::vector<double> col(discrete_codes.f);
        for (int64_t z = 0; z < discrete_codes.f; ++z) col[z] = m[z * factors.f + j];
        std::sort(col.begin(), col.end(), std::greater<double>());
        const double second = col.size() > 1 ? col[1] : 0.0;
        total += (col[0] - second) / h[j];  // a constant factor gives 0/0 = NaN, as NumPy does
    }
    return total / static_cast<double>(factors.f);
}

MetricResult compute_mig(const Codes& codes, const Factors& factors, int num_bins) {
    return {{"mig.discrete_score", mig_from_discrete(histogram_discretize(codes, num_bins), factors)}};
}

void register_mig(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "mig";
    info.description = "Mutual Information Gap: normalised gap between the two latents most informative of each factor";
    info.params = {
        {"num_train", ParamType::Int, "10000", "number of sampled (factors, code) points", 2.0},
        {"batch_size", ParamType::Int, "16", "encoder batch size while sampling", 1.0},
    };
    MetricDef def;
    def.fast = {{"num_train", "2000"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        Codes codes;
        Factors factors;
        sample_train_codes(ctx, p, codes, factors);
        return compute_mig(codes, factors);
    };
    def.run_codes = [](const StoredCodes& s, const Params&, uint64_t) { return compute_mig(s.train_codes, s.train_factors); };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
