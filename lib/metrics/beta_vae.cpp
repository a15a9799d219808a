#include "metrics/beta_vae.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "metrics/logistic.hpp"

namespace disent::metrics {

namespace {

// num points: label = the fixed factor, feature = mean_b |r(x1_b) - r(x2_b)| over `batch` pairs that
// share that factor's value.
void training_batch(const MetricContext& ctx, int64_t batch, int64_t num, Rng& rng, std::vector<double>& x,
                    std::vector<int64_t>& y) {
    const auto& states = *ctx.states;
    const int64_t f = states.num_factors(), z = ctx.z_size;
    x.assign(num * z, 0.0);
    y.assign(num, 0);
    const int64_t chunk = std::max<int64_t>(1, 32768 / batch);
    std::vector<int64_t> p1(f), p2(f);
    for (int64_t start = 0; start < num; start += chunk) {
        const int64_t m = std::min(chunk, num - start);
        std::vector<int64_t> idx;  // per point: batch firsts, then batch seconds
        idx.reserve(2 * m * batch);
        for (int64_t v = 0; v < m; ++v) {
            const int64_t k = rng.uniform_int(0, f - 1);
            y[start + v] = k;
            std::vector<std::vector<int64_t>> a(batch, std::vector<int64_t>(f)), b(batch, std::vector<int64_t>(f));
            for (auto& s : a) states.sample_factors(rng, s.data());
            for (auto& s : b) states.sample_factors(rng, s.data());
            for (int64_t i = 0; i < batch; ++i) b[i][k] = a[i][k];
            for (auto& s : a) idx.push_back(states.pos_to_idx(s));
            for (auto& s : b) idx.push_back(states.pos_to_idx(s));
        }
        const std::vector<double> c = ctx.encode(idx);
        if (static_cast<int64_t>(c.size()) != 2 * m * batch * z) throw std::logic_error("beta_vae: encoder returned a wrong size");
        for (int64_t v = 0; v < m; ++v) {
            const double* r1 = &c[(2 * v * batch) * z];
            const double* r2 = &c[(2 * v * batch + batch) * z];
            for (int64_t i = 0; i < batch; ++i)
                for (int64_t d = 0; d < z; ++d) x[(start + v) * z + d] += std::abs(r1[i * z + d] - r2[i * z + d]) / static_cast<double>(batch);
        }
    }
}

}  // namespace

void register_beta_vae(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "beta_vae";
    info.description = "BetaVAE score: logistic-regression accuracy predicting the fixed factor from pair differences";
    info.params = {
        {"batch_size", ParamType::Int, "64", "pairs averaged into one training point", 1.0},
        {"num_train", ParamType::Int, "10000", "training points", 2.0},
        {"num_eval", ParamType::Int, "5000", "evaluation points", 1.0},
    };
    MetricDef def;
    def.fast = {{"num_train", "1000"}, {"num_eval", "500"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        if (!ctx.states || !ctx.encode) throw std::logic_error("beta_vae: metric context without states or encoder");
        Rng rng(ctx.seed);
        std::vector<double> xt, xe;
        std::vector<int64_t> yt, ye;
        const int64_t batch = p.get_int("batch_size");
        training_batch(ctx, batch, p.get_int("num_train"), rng, xt, yt);
        training_batch(ctx, batch, p.get_int("num_eval"), rng, xe, ye);
        LogisticRegression clf;
        clf.fit(xt.data(), static_cast<int64_t>(yt.size()), ctx.z_size, yt.data());
        return MetricResult{{"beta_vae.train_accuracy", clf.accuracy(xt.data(), static_cast<int64_t>(yt.size()), yt.data())},
                            {"beta_vae.eval_accuracy", clf.accuracy(xe.data(), static_cast<int64_t>(ye.size()), ye.data())}};
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
