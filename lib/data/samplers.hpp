#pragma once
// The built-in samplers (spec §6.1, §6.3, §6.4). Each owns a copy of the state space, keeps no mutable
// state and draws only from the Rng it is given, so one instance can serve several loader threads.
#include <memory>

#include "core/params.hpp"
#include "data/sampler.hpp"
#include "data/sampling.hpp"

namespace disent::data {

// (idx,): plain autoencoders.
class SingleSampler : public Sampler {
public:
    static ParamTable param_table() { return {}; }
    static std::unique_ptr<Sampler> create(const Params&, const StateSpace&) {
        return std::make_unique<SingleSampler>();
    }
    int num_obs() const override { return 1; }
    std::string input_mode() const override { return "single"; }
    void sample(int64_t idx, Rng&, int64_t* out) const override { out[0] = idx; }
};

// (idx, positive): k factors (k uniform in p_k_range) are resampled within p_radius_range of the anchor's
// values, the rest are shared. With the default ranges exactly k factors change.
class GroundTruthPairSampler : public Sampler {
public:
    GroundTruthPairSampler(const StateSpace& states, const std::vector<int64_t>& p_k_range = {1, -1},
                           const std::vector<int64_t>& p_radius_range = {1, -1});
    static ParamTable param_table();
    static std::unique_ptr<Sampler> create(const Params& p, const StateSpace& states);

    int num_obs() const override { return 2; }
    std::string input_mode() const override { return "pair"; }
    void sample(int64_t idx, Rng& rng, int64_t* out) const override;

    IntRange k_range() const { return k_; }
    const std::vector<IntRange>& radius_ranges() const { return radius_; }

private:
    StateSpace states_;
    IntRange k_;
    std::vector<IntRange> radius_;  // per factor, inclusive
};

// (idx, weak positive), disentanglement_lib's weak pairs as the paper's runs used them (faithful_k=true):
// k = p_k, or uniform in [1, F-1] when p_k <= 0; then k = uniform choice of {1, k}; k distinct factors are
// resampled uniformly over their whole range (a value may stay the same). faithful_k=false implements the
// paper's stated rule instead: k = p_k or uniform in [1, F], and every chosen factor is forced to change.
class GroundTruthPairOrigSampler : public Sampler {
public:
    GroundTruthPairOrigSampler(const StateSpace& states, int64_t p_k = -1, bool faithful_k = true);
    static ParamTable param_table();
    static std::unique_ptr<Sampler> create(const Params& p, const StateSpace& states);

    int num_obs() const override { return 2; }
    std::string input_mode() const override { return "weak_pair"; }
    void sample(int64_t idx, Rng& rng, int64_t* out) const override;

private:
    StateSpace states_;
    int64_t p_k_;
    bool faithful_;
};

}  // namespace disent::data
