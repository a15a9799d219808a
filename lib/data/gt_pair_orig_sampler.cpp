// GroundTruthPairOrigSampler (spec §6.4; paper-experiments §1 "Weak-pair sampler").
#include <numeric>

#include "core/error.hpp"
#include "data/samplers.hpp"

namespace disent::data {

GroundTruthPairOrigSampler::GroundTruthPairOrigSampler(const StateSpace& states, int64_t p_k, bool faithful_k)
    : states_(states), p_k_(p_k), faithful_(faithful_k) {
    const int F = states_.num_factors();
    if (p_k_ > F)
        throw UserError("sampler gt_pair_orig: p_k (" + std::to_string(p_k_) + ") must be <= the number of factors (" +
                        std::to_string(F) + "), or <= 0 for a random k");
    if (faithful_ && p_k_ <= 0 && F < 2)
        throw UserError("sampler gt_pair_orig: a random k in [1, F-1] needs at least 2 factors, the dataset has " +
                        std::to_string(F) + " (set p_k >= 1)");
    if (!faithful_)
        for (int f = 0; f < F; ++f)
            if (states_.factor_sizes()[static_cast<size_t>(f)] < 2)
                throw UserError("sampler gt_pair_orig: faithful_k=false forces every chosen factor to change, but "
                                "factor '" + states_.factor_names()[static_cast<size_t>(f)] + "' has a single value");
}

ParamTable GroundTruthPairOrigSampler::param_table() {
    return {
        {"p_k", ParamType::Int, "-1",
         "number of factors resampled in the pair; <= 0: random (see faithful_k); the paper's runs used -1"},
        {"faithful_k", ParamType::Bool, "true",
         "true: replicate disentanglement_lib as the paper ran it (k uniform in [1, F-1], then k = random "
         "choice of {1, k}, resampled values may equal the old ones); false: the paper's stated rule (k uniform "
         "in [1, F], each chosen factor changes)"},
    };
}

std::unique_ptr<Sampler> GroundTruthPairOrigSampler::create(const Params& p, const StateSpace& states) {
    return std::make_unique<GroundTruthPairOrigSampler>(states, p.get_int("p_k"), p.get_bool("faithful_k"));
}

void GroundTruthPairOrigSampler::sample(int64_t idx, Rng& rng, int64_t* out) const {
    const int F = states_.num_factors();
    std::vector<int64_t> pos = states_.idx_to_pos(idx);
    int64_t k;
    if (faithful_) {
        k = p_k_ > 0 ? p_k_ : rng.uniform_int(1, F - 1);  // np.random.randint(1, F): high exclusive
        k = rng.uniform_int(0, 1) == 0 ? 1 : k;            // np.random.choice([1, k])
    } else {
        k = p_k_ > 0 ? p_k_ : rng.uniform_int(1, F);
    }
    std::vector<int> order(static_cast<size_t>(F));
    std::iota(order.begin(), order.end(), 0);
    choose_distinct(rng, order, static_cast<int>(k));
    for (int i = 0; i < k; ++i) {
        const int f = order[static_cast<size_t>(i)];
        const int64_t S = states_.factor_sizes()[static_cast<size_t>(f)];
        if (faithful_) {
            pos[static_cast<size_t>(f)] = rng.uniform_int(0, S - 1);  // whole range, may keep its value
        } else {
            int64_t v = rng.uniform_int(0, S - 2);  // any other value
            if (v >= pos[static_cast<size_t>(f)]) ++v;
            pos[static_cast<size_t>(f)] = v;
        }
    }
    out[0] = idx;
    out[1] = states_.pos_to_idx(pos);
}

}  // namespace disent::data
