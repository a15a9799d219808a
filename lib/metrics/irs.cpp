#include "metrics/irs.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "metrics/discretize.hpp"
#include "metrics/stats.hpp"

namespace disent::metrics {

std::vector<int64_t> non_constant_dims(const Codes& codes) {
    const std::vector<double> sd = column_stds(codes);
    std::vector<int64_t> out;
    for (int64_t j = 0; j < codes.z; ++j)
        if (sd[j] > 0.0) out.push_back(j);
    return out;
}

double irs_score(const Factors& g, const Codes& z, double q) {
    if (g.n != z.n || z.z < 1) throw std::invalid_argument("irs: codes and factors do not match");
    const std::vector<double> mean = column_means(z);
    std::vector<double> max_dev(z.z, 0.0);
    for (int64_t i = 0; i < z.n; ++i)
        for (int64_t l = 0; l < z.z; ++l) max_dev[l] = std::max(max_dev[l], std::abs(z.at(i, l) - mean[l]));
    std::vector<double> cum(z.z * g.f, 0.0);  // latent x factor
    for (int64_t j = 0; j < g.f; ++j) {
        std::map<int64_t, std::vector<int64_t>> groups;  // factor value -> rows (np.unique order)
        for (int64_t i = 0; i < g.n; ++i) groups[g.at(i, j)].push_back(i);
        for (const auto& [value, idx] : groups) {
            for (int64_t l = 0; l < z.z; ++l) {
                double e = 0.0;
                for (int64_t i : idx) e += z.at(i, l);
                e /= static_cast<double>(idx.size());
                std::vector<double> diffs(idx.size());
                for (size_t k = 0; k < idx.size(); ++k) diffs[k] = std::abs(z.at(idx[k], l) - e);
                cum[l * g.f + j] += percentile(diffs, q * 100.0);
            }
        }
        for (int64_t l = 0; l < z.z; ++l) cum[l * g.f + j] /= static_cast<double>(groups.size());
    }
    std::vector<double> score(z.z);
    double wsum = 0.0, total = 0.0, plain = 0.0;
    for (int64_t l = 0; l < z.z; ++l) {
        double best = -INFINITY;
        for (int64_t j = 0; j < g.f; ++j) best = std::max(best, 1.0 - cum[l * g.f + j] / max_dev[l]);
        score[l] = best;
        wsum += max_dev[l];
        total += best * max_dev[l];
        plain += best;
    }
    return wsum > 0.0 ? total / wsum : plain / static_cast<double>(z.z);
}

MetricResult compute_irs(const Codes& codes, const Factors& factors, double q, bool discretize_factors) {
    const std::vector<int64_t> active = non_constant_dims(codes);
    MetricResult r;
    r["irs.num_active_dims"] = static_cast<double>(active.size());
    if (active.empty()) {
        r["irs.score"] = 0.0;
        return r;
    }
    Codes a{codes.n, static_cast<int64_t>(active.size()), std::vector<double>(codes.n * active.size())};
    for (int64_t i = 0; i < codes.n; ++i)
        for (size_t k = 0; k < active.size(); ++k) a.values[i * a.z + k] = codes.at(i, active[k]);
    Factors g = factors;
    if (discretize_factors) {
        Codes fc{factors.n, factors.f, std::vector<double>(factors.values.begin(), factors.values.end())};
        g = histogram_discretize(fc, 20);
    }
    r["irs.score"] = irs_score(g, a, q);
    return r;
}

void register_irs(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "irs";
    info.description = "Interventional Robustness Score (disentanglement_lib irs.py)";
    info.params = {
        {"num_train", ParamType::Int, "10000", "number of sampled points", 2.0},
        {"batch_size", ParamType::Int, "16", "encoder batch size while sampling", 1.0},
        {"diff_quantile", ParamType::Float, "0.99", "quantile of the within-group deviations", 0.0, 1.0},
    };
    MetricDef def;
    def.fast = {{"num_train", "2000"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        Codes codes;
        Factors factors;
        sample_train_codes(ctx, p, codes, factors);
        return compute_irs(codes, factors, p.get_float("diff_quantile"));
    };
    def.run_codes = [](const StoredCodes& s, const Params& p, uint64_t) {
        return compute_irs(s.train_codes, s.train_factors, p.get_float("diff_quantile"));
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
