// GroundTruthDistSampler (spec §6.6).
#include <algorithm>
#include <utility>

#include "core/error.hpp"
#include "data/samplers.hpp"

namespace disent::data {

namespace {
const std::vector<std::string>& dist_modes() {
    static const std::vector<std::string> m = {"random",   "factors",          "manhattan",
                                               "manhattan_scaled", "combined", "combined_scaled"};
    return m;
}
}  // namespace

GroundTruthDistSampler::GroundTruthDistSampler(const StateSpace& states, int64_t num_samples,
                                               const std::string& triplet_sample_mode, double triplet_swap_chance)
    : states_(states), dist_(states.factor_sizes()), num_samples_(num_samples), mode_(triplet_sample_mode),
      swap_chance_(triplet_swap_chance) {
    if (num_samples < 1 || num_samples > 3)
        throw UserError("sampler gt_dist: num_samples " + std::to_string(num_samples) + ", expected 1, 2 or 3");
    const auto& modes = dist_modes();
    if (std::find(modes.begin(), modes.end(), mode_) == modes.end())
        throw UserError("sampler gt_dist: triplet_sample_mode '" + mode_ +
                        "', expected random, factors, manhattan, manhattan_scaled, combined or combined_scaled");
    if (!(swap_chance_ >= 0.0 && swap_chance_ <= 1.0))
        throw UserError("sampler gt_dist: triplet_swap_chance " + std::to_string(swap_chance_) +
                        ", expected 0 <= triplet_swap_chance <= 1");
}

ParamTable GroundTruthDistSampler::param_table() {
    return {
        {"num_samples", ParamType::Int, "3",
         "observations per item: the anchor plus num_samples-1 uniform random ones (1 single, 2 pair, 3 triplet; "
         "disent's default is 1, 3 here since the sampler exists to order triplets)",
         1.0, 3.0},
        {"triplet_sample_mode", ParamType::String, "manhattan_scaled",
         "with 3 samples, the positive is the one closer to the anchor by: factors (number of differing factors), "
         "manhattan (sum abs(delta)), manhattan_scaled (sum abs(delta)/(size-1), exact), combined(_scaled) (factors, "
         "ties broken by (scaled) manhattan); random: no ordering",
         std::nullopt, std::nullopt, dist_modes()},
        {"triplet_swap_chance", ParamType::Float, "0.0",
         "probability of swapping positive and negative after the ordering", 0.0, 1.0},
    };
}

std::unique_ptr<Sampler> GroundTruthDistSampler::create(const Params& p, const StateSpace& states) {
    return std::make_unique<GroundTruthDistSampler>(states, p.get_int("num_samples"),
                                                    p.get_string("triplet_sample_mode"),
                                                    p.get_float("triplet_swap_chance"));
}

int GroundTruthDistSampler::compare(const int64_t* a, const int64_t* p, const int64_t* n) const {
    if (mode_ == "random") return 0;
    const bool scaled = mode_ == "manhattan_scaled" || mode_ == "combined_scaled";
    const FactorMetric manhattan = scaled ? FactorMetric::ManhattanScaled : FactorMetric::Manhattan;
    if (mode_ == "manhattan" || mode_ == "manhattan_scaled") return dist_.compare(manhattan, a, p, n);
    const int k = dist_.compare(FactorMetric::Differing, a, p, n);
    if (mode_ == "factors" || k != 0) return k;
    return dist_.compare(manhattan, a, p, n);  // combined: ties in the factor count
}

void GroundTruthDistSampler::sample(int64_t idx, Rng& rng, int64_t* out) const {
    out[0] = idx;
    for (int64_t i = 1; i < num_samples_; ++i) out[i] = states_.sample_index(rng);
    if (num_samples_ != 3) return;
    const auto a = states_.idx_to_pos(out[0]), p = states_.idx_to_pos(out[1]), n = states_.idx_to_pos(out[2]);
    if (compare(a.data(), p.data(), n.data()) > 0) std::swap(out[1], out[2]);  // positive strictly farther
    if (swap_chance_ > 0.0 && rng.bernoulli(swap_chance_)) std::swap(out[1], out[2]);
}

}  // namespace disent::data
