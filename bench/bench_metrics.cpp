// Times the full-preset metric suite (MIG + DCI + SAP + FactorVAE + unsupervised, spec sample counts)
// on a synthetic "trained model": an XYSquares-sized state space (6 factors x 8 values) and a fixed
// random linear encoder (10 latents, factors mixed with noise), so the time is the metrics' own work,
// not the network's. Also writes the sampled MIG/DCI/SAP/unsupervised codes to a .npz so that
// `disent-run evaluate --codes` and `bench/metrics_suite_reference.py` (scikit-learn / dlib formulas)
// can be timed on exactly the same codes. Run by hand:
//     build/bench_metrics [OUT.npz]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "data/state_space.hpp"
#include "io/npz.hpp"
#include "metrics/metric.hpp"

using namespace disent;

int main(int argc, char** argv) {
    metrics::register_all();
    data::StateSpace states(std::vector<int64_t>(6, 8), {});
    const int64_t z = 10;
    Rng wrng(42);
    std::vector<double> w(z * 6);
    for (auto& v : w) v = wrng.uniform01() < 0.7 ? 0.0 : 2.0 * wrng.uniform01() - 1.0;
    for (int64_t j = 0; j < 6; ++j) w[j * 6 + j] = 1.0;  // latent j mostly encodes factor j
    metrics::MetricContext ctx;
    ctx.states = &states;
    ctx.z_size = z;
    ctx.seed = 1;
    ctx.encode = [&](const std::vector<int64_t>& idx) {
        std::vector<double> out(idx.size() * z);
        std::vector<int64_t> pos(6);
        for (size_t i = 0; i < idx.size(); ++i) {
            states.idx_to_pos(static_cast<int64_t>(idx[i]), pos.data());
            for (int64_t d = 0; d < z; ++d) {
                double s = 0.0;
                for (int64_t j = 0; j < 6; ++j) s += w[d * 6 + j] * pos[j] / 7.0;
                // noise deterministic per observation (as an encoder is): a hash of (index, latent)
                const double u = static_cast<double>(derive_seed(static_cast<uint64_t>(idx[i]), d) >> 11) * 0x1.0p-53;
                out[i * z + d] = s + 0.1 * (u - 0.5);
            }
        }
        return out;
    };
    double total = 0.0;
    for (const char* name : {"mig", "dci", "sap", "factor_vae", "unsupervised"}) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = metrics::metric_registry().get(name).make.run(ctx, metrics::preset_params(name, "full"));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        total += s;
        std::printf("%-13s %7.2f s ", name, s);
        for (const auto& [k, v] : r) std::printf(" %s=%.4f", k.c_str(), v);
        std::printf("\n");
    }
    std::printf("full-preset suite: %.2f s\n", total);
    if (argc > 1) {  // 10000 train + 5000 test codes of the same encoder for the stored-codes comparisons
        Rng rng(7);
        metrics::Codes c, ct;
        metrics::Factors f, ft;
        metrics::sample_codes(ctx, 10000, 16, rng, c, f);
        metrics::sample_codes(ctx, 5000, 16, rng, ct, ft);
        io::write_npz(argv[1], {{"codes", io::make_array(c.values, {c.n, c.z})},
                                {"factors", io::make_array(f.values, {f.n, f.f})},
                                {"codes_test", io::make_array(ct.values, {ct.n, ct.z})},
                                {"factors_test", io::make_array(ft.values, {ft.n, ft.f})},
                                {"factor_sizes", io::make_array(std::vector<int64_t>(6, 8))}});
        std::printf("wrote %s\n", argv[1]);
    }
    return 0;
}
