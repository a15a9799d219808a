// The metric registry, presets and the shared sampling helper (spec §8 generate_batch_factor_code).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "metrics/beta_vae.hpp"
#include "metrics/dci.hpp"
#include "metrics/factor_vae.hpp"
#include "metrics/factored_components.hpp"
#include "metrics/flatness.hpp"
#include "metrics/irs.hpp"
#include "metrics/metric.hpp"
#include "metrics/mig.hpp"
#include "metrics/modularity.hpp"
#include "metrics/sap.hpp"
#include "metrics/unsupervised.hpp"

namespace disent::metrics {

Registry<MetricDef>& metric_registry() {
    static Registry<MetricDef> registry("metric");
    return registry;
}

void register_all() {
    Registry<MetricDef>& r = metric_registry();
    if (!r.find("mig")) register_mig(r);
    if (!r.find("dci")) register_dci(r);
    if (!r.find("sap")) register_sap(r);
    if (!r.find("factor_vae")) register_factor_vae(r);
    if (!r.find("beta_vae")) register_beta_vae(r);
    if (!r.find("modularity")) register_modularity(r);
    if (!r.find("unsupervised")) register_unsupervised(r);
    if (!r.find("irs")) register_irs(r);
    if (!r.find("flatness")) register_flatness(r);
    register_factored_components(r);  // factored_components, distances, linearity
}

void sample_train_codes(const MetricContext& ctx, const Params& p, Codes& codes, Factors& factors) {
    Rng rng(ctx.seed);
    sample_codes(ctx, p.get_int("num_train"), p.get_int("batch_size"), rng, codes, factors);
}

TrainTestCodes sample_train_test_codes(const MetricContext& ctx, const Params& p) {
    Rng train_rng(derive_seed(ctx.seed, 1)), test_rng(derive_seed(ctx.seed, 2));
    TrainTestCodes t;
    const int64_t batch = p.get_int("batch_size");
    sample_codes(ctx, p.get_int("num_train"), batch, train_rng, t.train_codes, t.train_factors);
    sample_codes(ctx, p.get_int("num_test"), batch, test_rng, t.test_codes, t.test_factors);
    return t;
}

TrainTestCodes split_stored_codes(const StoredCodes& s, const Params& p) {
    TrainTestCodes t;
    const double n_train = static_cast<double>(p.get_int("num_train"));
    split_stored(s, n_train / (n_train + static_cast<double>(p.get_int("num_test"))), t.train_codes, t.train_factors,
                 t.test_codes, t.test_factors);
    return t;
}

Params preset_params(const std::string& metric, const std::string& preset) {
    register_all();  // idempotent: presets can be asked for before anything registered the metrics
    const auto& entry = metric_registry().get(metric);
    if (preset == "full") return make_params(entry.info.params, {});
    if (preset == "fast") return make_params(entry.info.params, entry.make.fast);
    throw UserError("unknown metric preset '" + preset + "' (expected 'full' or 'fast')");
}

void sample_codes(const MetricContext& ctx, int64_t n, int64_t batch_size, Rng& rng, Codes& codes, Factors& factors) {
    if (!ctx.states || !ctx.encode) throw std::logic_error("sample_codes: metric context without states or encoder");
    if (batch_size < 1) throw std::invalid_argument("sample_codes: batch_size must be >= 1");
    const int64_t f = ctx.states->num_factors();
    codes = Codes{n, ctx.z_size, {}};
    factors = Factors{n, f, {}};
    factors.values.resize(n * f);
    // `batch_size` is disent's sampling granularity; the factors drawn do not depend on it, so every
    // observation is encoded in one call and the encoder picks its own batch (large on a GPU).
    std::vector<int64_t> indices(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        int64_t* pos = &factors.values[i * f];
        ctx.states->sample_factors(rng, pos);
        indices[i] = ctx.states->pos_to_idx(pos);
    }
    codes.values = ctx.encode(indices);
    if (static_cast<int64_t>(codes.values.size()) != n * ctx.z_size)
        throw std::logic_error("sample_codes: encoder returned " + std::to_string(codes.values.size()) + " values, expected " +
                               std::to_string(n * ctx.z_size));
}

Codes rows(const Codes& c, int64_t begin, int64_t end) {
    return Codes{end - begin, c.z, std::vector<double>(c.values.begin() + begin * c.z, c.values.begin() + end * c.z)};
}

Factors rows(const Factors& f, int64_t begin, int64_t end) {
    return Factors{end - begin, f.f, std::vector<int64_t>(f.values.begin() + begin * f.f, f.values.begin() + end * f.f)};
}

void split_stored(const StoredCodes& s, double train_fraction, Codes& train_codes, Factors& train_factors, Codes& test_codes,
                  Factors& test_factors) {
    if (s.test_codes && s.test_factors) {
        train_codes = s.train_codes;
        train_factors = s.train_factors;
        test_codes = *s.test_codes;
        test_factors = *s.test_factors;
        return;
    }
    const int64_t n = s.train_codes.n;
    const int64_t n_train = static_cast<int64_t>(std::ceil(static_cast<double>(n) * train_fraction));
    if (n_train < 1 || n_train >= n)
        throw UserError("stored codes: " + std::to_string(n) + " points are too few to split into train and test");
    train_codes = rows(s.train_codes, 0, n_train);
    train_factors = rows(s.train_factors, 0, n_train);
    test_codes = rows(s.train_codes, n_train, n);
    test_factors = rows(s.train_factors, n_train, n);
}

}  // namespace disent::metrics
