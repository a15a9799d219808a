// GroundTruthPairSampler (spec §6.3).
#include <numeric>

#include "core/error.hpp"
#include "data/samplers.hpp"

namespace disent::data {

GroundTruthPairSampler::GroundTruthPairSampler(const StateSpace& states, const std::vector<int64_t>& p_k_range,
                                               const std::vector<int64_t>& p_radius_range)
    : states_(states) {
    const int F = states_.num_factors();
    k_ = normalize_range(p_k_range, F, "sampler gt_pair: p_k_range (number of differing factors)");
    for (int f = 0; f < F; ++f) {
        const int64_t S = states_.factor_sizes()[static_cast<size_t>(f)];
        const std::string& name = states_.factor_names()[static_cast<size_t>(f)];
        IntRange r = normalize_range(p_radius_range, S, "sampler gt_pair: p_radius_range for factor '" + name + "'");
        // Every factor is passed through sample_radius (shared ones are copied back afterwards), so each
        // value of each factor needs a neighbour at distance >= min: the middle value reaches at most S/2.
        if (r.lo >= 1 && r.lo > S / 2)
            throw UserError("sampler gt_pair: p_radius_range minimum " + std::to_string(r.lo) +
                            " cannot be reached from every value of factor '" + name + "' (size " +
                            std::to_string(S) + "); expected a minimum of 0 or at most " + std::to_string(S / 2));
        radius_.push_back(r);
    }
}

ParamTable GroundTruthPairSampler::param_table() {
    return {
        {"p_k_range", ParamType::IntList, "[1, -1]",
         "[min, max] number of factors that differ in the pair (negative v means F+1+v, so -1 = all factors)"},
        {"p_radius_range", ParamType::IntList, "[1, -1]",
         "[min, max] distance of a resampled factor from the anchor's value (negative v means size+1+v; "
         "min 0 allows an unchanged value)"},
    };
}

std::unique_ptr<Sampler> GroundTruthPairSampler::create(const Params& p, const StateSpace& states) {
    return std::make_unique<GroundTruthPairSampler>(states, p.get_int_list("p_k_range"),
                                                    p.get_int_list("p_radius_range"));
}

void GroundTruthPairSampler::sample(int64_t idx, Rng& rng, int64_t* out) const {
    const int F = states_.num_factors();
    std::vector<int64_t> a(static_cast<size_t>(F)), b(static_cast<size_t>(F));
    // 1. how many factors differ; 2. which F-k factors are shared
    const int k = static_cast<int>(rng.uniform_int(k_.lo, k_.hi));
    std::vector<int> order(static_cast<size_t>(F));
    std::iota(order.begin(), order.end(), 0);
    choose_distinct(rng, order, F - k);
    // 3. resample every factor within its radius, then copy the shared ones back from the anchor
    states_.idx_to_pos(idx, a.data());
    for (size_t f = 0; f < static_cast<size_t>(F); ++f)
        b[f] = sample_radius(rng, a[f], 0, states_.factor_sizes()[f], radius_[f].lo, radius_[f].hi + 1);
    for (int i = 0; i < F - k; ++i) {
        const auto f = static_cast<size_t>(order[static_cast<size_t>(i)]);
        b[f] = a[f];
    }
    out[0] = idx;
    out[1] = states_.pos_to_idx(b);
}

}  // namespace disent::data
