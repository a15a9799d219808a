// GroundTruthTripleSampler (spec §6.5).
#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <utility>

#include "core/error.hpp"
#include "data/samplers.hpp"

namespace disent::data {

namespace {

const std::string kWho = "sampler gt_triple: ";

TripleRangeMode parse_mode(const std::string& v, const std::string& key) {
    if (v == "offset") return TripleRangeMode::Offset;
    if (v == "bounded_below") return TripleRangeMode::BoundedBelow;
    if (v == "random") return TripleRangeMode::Random;
    throw UserError(kWho + key + " '" + v + "', expected offset, bounded_below or random");
}

const std::vector<std::string>& swap_metrics() {
    static const std::vector<std::string> m = {"none",      "k",         "k_orig",         "manhattan",
                                               "manhattan_norm", "euclidean", "euclidean_norm"};
    return m;
}

std::string show(IntRange r) { return "[" + std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]"; }

// disent's checks of a (positive, negative) range pair under the negative's sample mode (spec §6.5).
// `limit` is what an offset range may add up to: F for k, size // 2 for a radius.
void check_pair(IntRange p, IntRange n, TripleRangeMode mode, int64_t limit, const std::string& what,
                const std::string& p_key, const std::string& n_key, const std::string& mode_key) {
    const std::string ranges = " (" + p_key + " " + show(p) + ", " + n_key + " " + show(n) + what + ")";
    switch (mode) {
        case TripleRangeMode::Offset:
            if (p.hi + n.lo > limit)
                throw UserError(kWho + mode_key + " 'offset' needs " + p_key + " max + " + n_key + " min <= " +
                                std::to_string(limit) + ranges);
            break;
        case TripleRangeMode::BoundedBelow:
            if (p.hi > n.hi)
                throw UserError(kWho + mode_key + " 'bounded_below' needs " + p_key + " max <= " + n_key + " max" +
                                ranges);
            break;
        case TripleRangeMode::Random:
            if (p.lo > n.lo || p.hi > n.hi)
                throw UserError(kWho + mode_key + " 'random' needs " + p_key + " min <= " + n_key + " min and " +
                                p_key + " max <= " + n_key + " max" + ranges);
            break;
    }
}

}  // namespace

GroundTruthTripleSampler::GroundTruthTripleSampler(const StateSpace& states, const TripleSamplerConfig& cfg)
    : states_(states), dist_(states.factor_sizes()), n_k_shared_(cfg.n_k_is_shared), swap_chance_(cfg.swap_chance) {
    const int F = states_.num_factors();
    k_mode_ = parse_mode(cfg.n_k_sample_mode, "n_k_sample_mode");
    r_mode_ = parse_mode(cfg.n_radius_sample_mode, "n_radius_sample_mode");
    p_k_ = normalize_range(cfg.p_k_range, F, kWho + std::string("p_k_range (number of differing factors)"));
    n_k_ = normalize_range(cfg.n_k_range, F, kWho + std::string("n_k_range (number of differing factors)"));
    check_pair(p_k_, n_k_, k_mode_, F, "", "p_k_range", "n_k_range", "n_k_sample_mode");

    for (int f = 0; f < F; ++f) {
        const int64_t S = states_.factor_sizes()[static_cast<size_t>(f)];
        const std::string& name = states_.factor_names()[static_cast<size_t>(f)];
        const std::string of = " for factor '" + name + "'";
        const IntRange p = normalize_range(cfg.p_radius_range, S, kWho + std::string("p_radius_range") + of);
        const IntRange n = normalize_range(cfg.n_radius_range, S, kWho + std::string("n_radius_range") + of);
        check_pair(p, n, r_mode_, S / 2, " for factor '" + name + "' of size " + std::to_string(S), "p_radius_range",
                   "n_radius_range", "n_radius_sample_mode");
        // Every value of every factor is resampled, so a minimum distance must be reachable from the middle
        // value, which reaches S / 2 at most. (bounded_below: when the positive moved less than n min, the
        // negative must still reach n min; offset is covered by the check above.)
        for (const auto& [r, key] : {std::pair<IntRange, const char*>{p, "p_radius_range"}, {n, "n_radius_range"}})
            if (r.lo >= 1 && r.lo > S / 2)
                throw UserError(kWho + key + std::string(" minimum ") + std::to_string(r.lo) +
                                " cannot be reached from every value of factor '" + name + "' (size " +
                                std::to_string(S) + "); expected a minimum of 0 or at most " + std::to_string(S / 2));
        p_r_.push_back(p);
        n_r_.push_back(n);
    }

    const auto& metrics = swap_metrics();
    if (std::find(metrics.begin(), metrics.end(), cfg.swap_metric) == metrics.end())
        throw UserError(kWho + std::string("swap_metric '") + cfg.swap_metric +
                        "', expected none, k, k_orig, manhattan, manhattan_norm, euclidean or euclidean_norm");
    swap_ = cfg.swap_metric != "none";
    swap_inverted_ = cfg.swap_metric == "k_orig";
    if (cfg.swap_metric == "manhattan") metric_ = FactorMetric::Manhattan;
    if (cfg.swap_metric == "manhattan_norm") metric_ = FactorMetric::ManhattanScaled;
    if (cfg.swap_metric == "euclidean") metric_ = FactorMetric::Euclidean;
    if (cfg.swap_metric == "euclidean_norm") metric_ = FactorMetric::EuclideanScaled;
    if (swap_ && !dist_.exact(metric_))
        throw UserError(kWho + std::string("swap_metric '") + cfg.swap_metric +
                        "' cannot be compared exactly on a state space this large; use manhattan_norm");
    if (!(swap_chance_ >= 0.0 && swap_chance_ <= 1.0))
        throw UserError(kWho + std::string("swap_chance ") + std::to_string(swap_chance_) +
                        ", expected 0 <= swap_chance <= 1");
}

ParamTable GroundTruthTripleSampler::param_table() {
    const std::vector<std::string> modes = {"offset", "bounded_below", "random"};
    return {
        {"p_k_range", ParamType::IntList, "[0, -1]",
         "[min, max] number of factors in which the positive may differ from the anchor (negative v means F+1+v)"},
        {"n_k_range", ParamType::IntList, "[0, -1]",
         "[min, max] number of factors in which the negative may differ, applied by n_k_sample_mode"},
        {"n_k_sample_mode", ParamType::String, "bounded_below",
         "negative's k: offset = p_k + U[n min, n max] (capped at F); bounded_below = U[max(p_k, n min), n max]; "
         "random = U[n min, n max]",
         std::nullopt, std::nullopt, modes},
        {"n_k_is_shared", ParamType::Bool, "true",
         "true: the negative's shared factors are a subset of the positive's; false: drawn independently"},
        {"p_radius_range", ParamType::IntList, "[0, -1]",
         "[min, max] distance of the positive's resampled factor values from the anchor's (negative v means "
         "size+1+v; min 0 allows an unchanged value)"},
        {"n_radius_range", ParamType::IntList, "[0, -1]",
         "[min, max] distance of the negative's resampled factor values, applied by n_radius_sample_mode"},
        {"n_radius_sample_mode", ParamType::String, "bounded_below",
         "negative's radius per factor, d = positive's distance: offset = [d + n min, d + n max]; bounded_below = "
         "[max(d, n min), n max]; random = [n min, n max]",
         std::nullopt, std::nullopt, modes},
        {"swap_metric", ParamType::String, "none",
         "swap positive and negative when the negative is closer to the anchor by: k (number of differing "
         "factors), k_orig (disent's inverted k: counts equal factors, so it swaps when the negative differs in "
         "more factors), manhattan, manhattan_norm (abs(delta) / (size-1)), euclidean, euclidean_norm; none: never",
         std::nullopt, std::nullopt, swap_metrics()},
        {"swap_chance", ParamType::Float, "0.0",
         "probability of swapping positive and negative after the metric swap (0 = off)", 0.0, 1.0},
    };
}

std::unique_ptr<Sampler> GroundTruthTripleSampler::create(const Params& p, const StateSpace& states) {
    TripleSamplerConfig c;
    c.p_k_range = p.get_int_list("p_k_range");
    c.n_k_range = p.get_int_list("n_k_range");
    c.n_k_sample_mode = p.get_string("n_k_sample_mode");
    c.n_k_is_shared = p.get_bool("n_k_is_shared");
    c.p_radius_range = p.get_int_list("p_radius_range");
    c.n_radius_range = p.get_int_list("n_radius_range");
    c.n_radius_sample_mode = p.get_string("n_radius_sample_mode");
    c.swap_metric = p.get_string("swap_metric");
    c.swap_chance = p.get_float("swap_chance");
    return std::make_unique<GroundTruthTripleSampler>(states, c);
}

void GroundTruthTripleSampler::sample(int64_t idx, Rng& rng, int64_t* out) const {
    const int F = states_.num_factors();
    const auto UF = static_cast<size_t>(F);
    // 1. how many factors differ for the positive and the negative
    const int64_t p_k = rng.uniform_int(p_k_.lo, p_k_.hi);
    int64_t n_k = 0;
    switch (k_mode_) {
        case TripleRangeMode::Offset: n_k = rng.uniform_int(p_k + n_k_.lo, std::min<int64_t>(p_k + n_k_.hi, F)); break;
        case TripleRangeMode::BoundedBelow: n_k = rng.uniform_int(std::max(p_k, n_k_.lo), n_k_.hi); break;
        case TripleRangeMode::Random: n_k = rng.uniform_int(n_k_.lo, n_k_.hi); break;
    }
    // 2. shared factors: the positive's F - p_k; the negative's are the first F - n_k of those (fewer when
    // n_k < p_k, which `random` allows: disent slices the positive's list) or an independent draw
    std::vector<int> p_shared(UF), n_shared(UF);
    std::iota(p_shared.begin(), p_shared.end(), 0);
    choose_distinct(rng, p_shared, static_cast<int>(F - p_k));
    p_shared.resize(static_cast<size_t>(F - p_k));
    if (n_k_shared_) {
        n_shared.assign(p_shared.begin(), p_shared.begin() + std::min(F - n_k, F - p_k));
    } else {
        std::iota(n_shared.begin(), n_shared.end(), 0);
        choose_distinct(rng, n_shared, static_cast<int>(F - n_k));
        n_shared.resize(static_cast<size_t>(F - n_k));
    }
    // 3. resample every factor (the negative's radius bounds use the positive's distance before the shared
    // factors are restored, as disent does), then copy the shared factors back from the anchor
    std::vector<int64_t> a(UF), p(UF), n(UF);
    states_.idx_to_pos(idx, a.data());
    const auto& sizes = states_.factor_sizes();
    for (size_t f = 0; f < UF; ++f) p[f] = sample_radius(rng, a[f], 0, sizes[f], p_r_[f].lo, p_r_[f].hi + 1);
    for (size_t f = 0; f < UF; ++f) {
        const int64_t d = std::llabs(a[f] - p[f]);
        int64_t lo = n_r_[f].lo, hi = n_r_[f].hi + 1;
        if (r_mode_ == TripleRangeMode::Offset) lo = d + n_r_[f].lo, hi = d + n_r_[f].hi + 1;
        if (r_mode_ == TripleRangeMode::BoundedBelow) lo = std::max(d, n_r_[f].lo);
        n[f] = sample_radius(rng, a[f], 0, sizes[f], lo, hi);
    }
    for (int f : p_shared) p[static_cast<size_t>(f)] = a[static_cast<size_t>(f)];
    for (int f : n_shared) n[static_cast<size_t>(f)] = a[static_cast<size_t>(f)];
    // 4. swap when the negative is closer than the positive (strictly). k_orig compares equal-factor counts,
    // the reverse order of differing-factor counts.
    bool swapped = false;
    if (swap_) {
        const int c = dist_.compare(metric_, a.data(), n.data(), p.data());  // sign of d(a,n) - d(a,p)
        swapped = swap_inverted_ ? c > 0 : c < 0;
    }
    // 5. random swap
    if (swap_chance_ > 0.0 && rng.bernoulli(swap_chance_)) swapped = !swapped;
    if (swapped) std::swap(p, n);
    out[0] = idx;
    out[1] = states_.pos_to_idx(p);
    out[2] = states_.pos_to_idx(n);
}

}  // namespace disent::data
