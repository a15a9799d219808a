// The metric registry, presets and the shared sampling helper (spec §8 generate_batch_factor_code).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "metrics/dci.hpp"
#include "metrics/metric.hpp"
#include "metrics/mig.hpp"

namespace disent::metrics {

Registry<MetricDef>& metric_registry() {
    static Registry<MetricDef> registry("metric");
    return registry;
}

void register_all() {
    Registry<MetricDef>& r = metric_registry();
    if (!r.find("mig")) register_mig(r);
    if (!r.find("dci")) register_dci(r);
}

Params preset_params(const std::string& metric, const std::string& preset) {
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

}  // namespace disent::metrics
