#pragma once
// Disentanglement metrics (spec §8). Torch-free: a metric sees the factor state space and an `encode`
// callback that maps dataset indices to representation vectors (posterior means for VAEs).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "core/registry.hpp"
#include "core/rng.hpp"
#include "data/state_space.hpp"

namespace disent::metrics {

// Row-major matrices: codes (n x z) doubles, factors (n x f) factor positions.
struct Codes {
    int64_t n = 0, z = 0;
    std::vector<double> values;  // n*z
    double at(int64_t i, int64_t j) const { return values[i * z + j]; }
};
struct Factors {
    int64_t n = 0, f = 0;
    std::vector<int64_t> values;  // n*f
    int64_t at(int64_t i, int64_t j) const { return values[i * f + j]; }
};

struct MetricContext {
    const data::StateSpace* states = nullptr;
    int64_t z_size = 0;
    // Encode observations of the given dataset indices; returns indices.size() * z_size values.
    std::function<std::vector<double>(const std::vector<int64_t>&)> encode;
    uint64_t seed = 0;
    // Optional: observations (as the model sees them, e.g. standardised images) of the given dataset
    // indices, flattened: indices.size() * obs_size floats. Only the `distances` metrics need it; they
    // throw UserError when it is absent.
    std::function<std::vector<float>(const std::vector<int64_t>&)> observe;
};

// Stored codes (disent-run evaluate --codes): a train split and optionally a test split.
struct StoredCodes {
    Codes train_codes;
    Factors train_factors;
    const Codes* test_codes = nullptr;      // null: the metric applies its own split rule
    const Factors* test_factors = nullptr;
    std::vector<int64_t> factor_sizes;      // may be empty
};

// Metric results: namespaced keys such as "mig.discrete_score" -> value.
using MetricResult = std::map<std::string, double>;

struct MetricDef {
    std::map<std::string, std::string> fast;  // overrides of the defaults for the `fast` preset
    std::function<MetricResult(const MetricContext&, const Params&)> run;
    // Set for metrics that need only codes and factors (no model): evaluate on stored codes.
    std::function<MetricResult(const StoredCodes&, const Params&, uint64_t seed)> run_codes;
};

Registry<MetricDef>& metric_registry();
void register_all();

// Parameters of a metric for a preset ("full" = table defaults, "fast" = with MetricDef::fast).
Params preset_params(const std::string& metric, const std::string& preset);

// Sample `n` uniform factor vectors (with replacement), encode them: spec's generate_batch_factor_code.
void sample_codes(const MetricContext& ctx, int64_t n, int64_t batch_size, Rng& rng, Codes& codes,
                  Factors& factors);
// The first step of most metrics: p["num_train"] points (batch p["batch_size"]) with Rng(ctx.seed).
void sample_train_codes(const MetricContext& ctx, const Params& p, Codes& codes, Factors& factors);

// Independent train and test samplings for metrics with a test split: p["num_train"] points with
// Rng(derive_seed(ctx.seed, 1)), p["num_test"] with Rng(derive_seed(ctx.seed, 2)), batch p["batch_size"].
struct TrainTestCodes {
    Codes train_codes, test_codes;
    Factors train_factors, test_factors;
};
TrainTestCodes sample_train_test_codes(const MetricContext& ctx, const Params& p);
// Stored codes split for those metrics: their test split, or else num_train : num_test of p (split_stored).
TrainTestCodes split_stored_codes(const StoredCodes& s, const Params& p);

// Train/test split of stored codes: the given test split, or else disentanglement_lib's
// split_train_test rule (first ceil(n * train_fraction) points train, the rest test).
void split_stored(const StoredCodes& s, double train_fraction, Codes& train_codes, Factors& train_factors,
                  Codes& test_codes, Factors& test_factors);
// Rows [begin, end) of codes/factors.
Codes rows(const Codes& c, int64_t begin, int64_t end);
Factors rows(const Factors& f, int64_t begin, int64_t end);

}  // namespace disent::metrics
