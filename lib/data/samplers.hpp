#pragma once
// The built-in samplers (spec §6.1-§6.6). Each owns a copy of the state space, keeps no mutable
// state and draws only from the Rng it is given, so one instance can serve several loader threads.
#include <memory>

#include "core/params.hpp"
#include "data/factor_distance.hpp"
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

// Samplers whose tuple size is the `num_samples` parameter (random, gt_dist) give the input mode it implies:
// 1 single, 2 pair, 3 triplet. Their registry trait input_mode is the marker "num_samples" (config/spec.cpp).
inline std::string input_mode_for_num_samples(int64_t n) {
    return n == 1 ? "single" : n == 2 ? "pair" : "triplet";
}

// (idx, u_1, ...): num_samples - 1 indices uniform over the dataset (spec §6.2).
class RandomSampler : public Sampler {
public:
    RandomSampler(const StateSpace& states, int64_t num_samples = 2);
    static ParamTable param_table();
    static std::unique_ptr<Sampler> create(const Params& p, const StateSpace& states);

    int num_obs() const override { return static_cast<int>(num_samples_); }
    std::string input_mode() const override { return input_mode_for_num_samples(num_samples_); }
    void sample(int64_t idx, Rng& rng, int64_t* out) const override;

private:
    int64_t size_;
    int64_t num_samples_;
};

// How the negative's range follows the positive's draw (spec §6.5): offset (relative to the positive),
// bounded_below (at least the positive's), random (independent).
enum class TripleRangeMode { Offset, BoundedBelow, Random };

// Parameters of GroundTruthTripleSampler; the defaults are disent's (and the experiment's `default__bb`).
struct TripleSamplerConfig {
    std::vector<int64_t> p_k_range{0, -1};
    std::vector<int64_t> n_k_range{0, -1};
    std::string n_k_sample_mode = "bounded_below";
    bool n_k_is_shared = true;
    std::vector<int64_t> p_radius_range{0, -1};
    std::vector<int64_t> n_radius_range{0, -1};
    std::string n_radius_sample_mode = "bounded_below";
    // none | k | k_orig | manhattan | manhattan_norm | euclidean | euclidean_norm. `k` counts differing
    // factors (the intent); `k_orig` is disent's inverted version counting equal factors (spec §12.8).
    std::string swap_metric = "none";
    double swap_chance = 0.0;  // 0 = off
};

// (idx, positive, negative), spec §6.5: p_k / n_k factors differ from the anchor, each resampled within a
// radius; the negative's k and radius follow the positive's by the sample modes. Optionally p/n are swapped
// when the negative is closer by swap_metric, then with probability swap_chance.
class GroundTruthTripleSampler : public Sampler {
public:
    explicit GroundTruthTripleSampler(const StateSpace& states, const TripleSamplerConfig& cfg = TripleSamplerConfig());
    static ParamTable param_table();
    static std::unique_ptr<Sampler> create(const Params& p, const StateSpace& states);

    int num_obs() const override { return 3; }
    std::string input_mode() const override { return "triplet"; }
    void sample(int64_t idx, Rng& rng, int64_t* out) const override;

private:
    StateSpace states_;
    FactorDistance dist_;
    IntRange p_k_, n_k_;
    std::vector<IntRange> p_r_, n_r_;  // per factor, inclusive
    TripleRangeMode k_mode_, r_mode_;
    bool n_k_shared_;
    bool swap_ = false;           // swap_metric != none
    bool swap_inverted_ = false;  // k_orig: compare equal-factor counts instead of differing ones
    FactorMetric metric_ = FactorMetric::Differing;
    double swap_chance_;
};

// (idx, u_1, ...) uniform over the dataset (spec §6.6); with 3 samples the positive is the one closer to the
// anchor by triplet_sample_mode (exact comparison; a tie keeps the drawn order), then p/n are swapped with
// probability triplet_swap_chance.
class GroundTruthDistSampler : public Sampler {
public:
    GroundTruthDistSampler(const StateSpace& states, int64_t num_samples = 3,
                           const std::string& triplet_sample_mode = "manhattan_scaled", double triplet_swap_chance = 0.0);
    static ParamTable param_table();
    static std::unique_ptr<Sampler> create(const Params& p, const StateSpace& states);

    int num_obs() const override { return static_cast<int>(num_samples_); }
    std::string input_mode() const override { return input_mode_for_num_samples(num_samples_); }
    void sample(int64_t idx, Rng& rng, int64_t* out) const override;

private:
    // Sign of d(a, p) - d(a, n) under the sample mode.
    int compare(const int64_t* a, const int64_t* p, const int64_t* n) const;

    StateSpace states_;
    FactorDistance dist_;
    int64_t num_samples_;
    std::string mode_;
    double swap_chance_;
};

}  // namespace disent::data
