// RandomSampler (spec §6.2).
#include "core/error.hpp"
#include "data/samplers.hpp"

namespace disent::data {

RandomSampler::RandomSampler(const StateSpace& states, int64_t num_samples)
    : size_(states.size()), num_samples_(num_samples) {
    if (num_samples < 1 || num_samples > 3)
        throw UserError("sampler random: num_samples " + std::to_string(num_samples) + ", expected 1, 2 or 3");
}

ParamTable RandomSampler::param_table() {
    return {
        {"num_samples", ParamType::Int, "2",
         "observations per item: the anchor plus num_samples-1 uniform random ones (1 single, 2 pair, 3 triplet)",
         1.0, 3.0},
    };
}

std::unique_ptr<Sampler> RandomSampler::create(const Params& p, const StateSpace& states) {
    return std::make_unique<RandomSampler>(states, p.get_int("num_samples"));
}

void RandomSampler::sample(int64_t idx, Rng& rng, int64_t* out) const {
    out[0] = idx;
    for (int64_t i = 1; i < num_samples_; ++i) out[i] = rng.uniform_int(0, size_ - 1);
}

}  // namespace disent::data
