#include "metrics/factor_vae.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

namespace disent::metrics {

std::vector<int64_t> sample_without_replacement(int64_t size, int64_t n, Rng& rng) {
    n = std::min(n, size);
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(n));
    if (n * 2 <= size) {  // rejection: cheap when the dataset is much larger than the sample
        std::unordered_set<int64_t> seen;
        while (static_cast<int64_t>(out.size()) < n) {
            const int64_t i = rng.uniform_int(0, size - 1);
            if (seen.insert(i).second) out.push_back(i);
        }
        return out;
    }
    std::vector<int64_t> all(static_cast<size_t>(size));
    for (int64_t i = 0; i < size; ++i) all[i] = i;
    for (int64_t i = 0; i < n; ++i) std::swap(all[i], all[rng.uniform_int(i, size - 1)]);
    all.resize(static_cast<size_t>(n));
    return all;
}

std::pair<double, double> factor_vae_accuracies(const std::vector<int64_t>& train, const std::vector<int64_t>& eval, int64_t f,
                                                int64_t z) {
    int64_t train_hit = 0, train_total = 0, eval_hit = 0, eval_total = 0;
    for (int64_t d = 0; d < z; ++d) {
        int64_t best = 0;
        for (int64_t k = 1; k < f; ++k)
            if (train[k * z + d] > train[best * z + d]) best = k;
        train_hit += train[best * z + d];
        eval_hit += eval[best * z + d];
        for (int64_t k = 0; k < f; ++k) train_total += train[k * z + d], eval_total += eval[k * z + d];
    }
    return {train_total ? static_cast<double>(train_hit) / train_total : 0.0,
            eval_total ? static_cast<double>(eval_hit) / eval_total : 0.0};
}

namespace {

// Per-dimension variance (ddof 1) of rows [begin, begin + m) of a flat n x z buffer.
void variances(const std::vector<double>& v, int64_t begin, int64_t m, int64_t z, std::vector<double>& out) {
    out.assign(z, 0.0);
    std::vector<double> mean(z, 0.0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t d = 0; d < z; ++d) mean[d] += v[(begin + i) * z + d];
    for (auto& x : mean) x /= static_cast<double>(m);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t d = 0; d < z; ++d) {
            const double e = v[(begin + i) * z + d] - mean[d];
            out[d] += e * e;
        }
    for (auto& x : out) x /= static_cast<double>(m - 1);
}

// votes[k * z + d]: `num` votes; each intervenes on a uniform factor k over `batch` uniform samples.
std::vector<int64_t> vote_matrix(const MetricContext& ctx, int64_t batch, int64_t num, const std::vector<double>& global_var,
                                 const std::vector<int64_t>& active, Rng& rng) {
    const auto& states = *ctx.states;
    const int64_t f = states.num_factors(), z = ctx.z_size;
    std::vector<int64_t> votes(f * z, 0);
    const int64_t chunk = std::max<int64_t>(1, 65536 / batch);  // votes encoded per call
    std::vector<int64_t> pos(f), first(f);
    std::vector<double> local;
    for (int64_t start = 0; start < num; start += chunk) {
        const int64_t m = std::min(chunk, num - start);
        std::vector<int64_t> ks(m), indices;
        indices.reserve(m * batch);
        for (int64_t v = 0; v < m; ++v) {
            ks[v] = rng.uniform_int(0, f - 1);
            for (int64_t b = 0; b < batch; ++b) {
                states.sample_factors(rng, pos.data());
                if (b == 0) first = pos;
                pos[ks[v]] = first[ks[v]];
                indices.push_back(states.pos_to_idx(pos.data()));
            }
        }
        const std::vector<double> codes = ctx.encode(indices);
        if (static_cast<int64_t>(codes.size()) != m * batch * z) throw std::logic_error("factor_vae: encoder returned a wrong size");
        for (int64_t v = 0; v < m; ++v) {
            variances(codes, v * batch, batch, z, local);
            // argmin over the active dims of local / global, NaN first (np.argmin); the index is into the
            // active subset, as in disentanglement_lib (identical to the latent index when all are active).
            int64_t best = -1;
            double best_val = 0.0;
            for (size_t a = 0; a < active.size(); ++a) {
                const double r = local[active[a]] / global_var[active[a]];
                if (std::isnan(r)) {
                    best = static_cast<int64_t>(a);
                    break;
                }
                if (best < 0 || r < best_val) best = static_cast<int64_t>(a), best_val = r;
            }
            ++votes[ks[v] * z + best];
        }
    }
    return votes;
}

}  // namespace

void register_factor_vae(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "factor_vae";
    info.description = "FactorVAE score: majority-vote accuracy of the least-varying latent under a fixed factor";
    info.params = {
        {"batch_size", ParamType::Int, "64", "observations per vote (one factor fixed)", 2.0},
        {"num_train", ParamType::Int, "10000", "votes to build the classifier", 1.0},
        {"num_eval", ParamType::Int, "5000", "votes to evaluate it", 1.0},
        {"num_variance_estimate", ParamType::Int, "10000", "observations (without replacement) for the global variances", 2.0},
        {"prune_threshold", ParamType::Float, "0.0",
         "latents with std >= this are active: 0.0 = disent (all non-NaN latents), 0.05 = disentanglement_lib", 0.0},
    };
    MetricDef def;
    def.fast = {{"num_train", "700"}, {"num_eval", "350"}, {"num_variance_estimate", "1000"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        if (!ctx.states || !ctx.encode) throw std::logic_error("factor_vae: metric context without states or encoder");
        Rng rng(ctx.seed);
        const int64_t z = ctx.z_size, batch = p.get_int("batch_size");
        const std::vector<int64_t> idx = sample_without_replacement(ctx.states->size(), p.get_int("num_variance_estimate"), rng);
        const std::vector<double> codes = ctx.encode(idx);
        if (static_cast<int64_t>(codes.size()) != static_cast<int64_t>(idx.size()) * z)
            throw std::logic_error("factor_vae: encoder returned a wrong size");
        std::vector<double> global_var;
        variances(codes, 0, static_cast<int64_t>(idx.size()), z, global_var);
        std::vector<int64_t> active;
        const double thr = p.get_float("prune_threshold");
        for (int64_t d = 0; d < z; ++d)
            if (std::sqrt(global_var[d]) >= thr) active.push_back(d);  // NaN compares false
        MetricResult r;
        if (active.empty()) {
            r["factor_vae.train_accuracy"] = 0.0;
            r["factor_vae.eval_accuracy"] = 0.0;
            r["factor_vae.num_active_dims"] = 0.0;
            return r;
        }
        const int64_t f = ctx.states->num_factors();
        const auto train = vote_matrix(ctx, batch, p.get_int("num_train"), global_var, active, rng);
        const auto eval = vote_matrix(ctx, batch, p.get_int("num_eval"), global_var, active, rng);
        const auto [tr, ev] = factor_vae_accuracies(train, eval, f, z);
        r["factor_vae.train_accuracy"] = tr;
        r["factor_vae.eval_accuracy"] = ev;
        r["factor_vae.num_active_dims"] = static_cast<double>(z);  // [QUIRK] length of the mask, as disent/dlib
        return r;
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
