#include "metrics/flatness.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace disent::metrics {

namespace {
double dist(const double* a, const double* b, int64_t n, int p) {
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) s += p == 1 ? std::abs(a[i] - b[i]) : (a[i] - b[i]) * (a[i] - b[i]);
    return p == 1 ? s : std::sqrt(s);
}
}  // namespace

void traversal_width_delta(const std::vector<double>& z, int64_t s, int64_t zd, int p, double& width, double& ave_delta) {
    width = 0.0;
    for (int64_t i = 0; i < s; ++i)
        for (int64_t j = i + 1; j < s; ++j) width = std::max(width, dist(&z[i * zd], &z[j * zd], zd, p));
    std::vector<double> d(s);
    for (int64_t i = 0; i < s; ++i) d[i] = dist(&z[((i + 1) % s) * zd], &z[i * zd], zd, p);
    std::sort(d.begin(), d.end());
    double sum = 0.0;
    for (int64_t i = 0; i + 1 < s; ++i) sum += d[i];
    ave_delta = s > 1 ? sum / static_cast<double>(s - 1) : 0.0;
}

void register_flatness(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "flatness";
    info.description = "flatness: diameter over path length of full factor traversals in latent space (disent)";
    info.params = {
        {"repeats", ParamType::Int, "1024", "random traversals per factor", 1.0},
        {"batch_size", ParamType::Int, "64", "encoder batch size (disent's granularity)", 1.0},
    };
    MetricDef def;
    def.fast = {{"repeats", "128"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        if (!ctx.states || !ctx.encode) throw std::logic_error("flatness: metric context without states or encoder");
        const auto& states = *ctx.states;
        const int64_t repeats = p.get_int("repeats"), zd = ctx.z_size;
        Rng rng(ctx.seed);
        // per active factor: mean widths / lengths for L1 and L2
        std::vector<double> w1, w2, l1, l2;
        std::vector<int64_t> base(states.num_factors());
        for (int f = 0; f < states.num_factors(); ++f) {
            const int64_t s = states.factor_sizes()[f];
            if (s <= 1) continue;
            double sw1 = 0, sw2 = 0, sd1 = 0, sd2 = 0;
            const int64_t chunk = std::max<int64_t>(1, 65536 / s);
            for (int64_t start = 0; start < repeats; start += chunk) {
                const int64_t m = std::min(chunk, repeats - start);
                std::vector<int64_t> idx;
                for (int64_t r = 0; r < m; ++r) {
                    states.sample_factors(rng, base.data());
                    const auto t = states.traversal_indices(f, base);
                    idx.insert(idx.end(), t.begin(), t.end());
                }
                const std::vector<double> z = ctx.encode(idx);
                if (static_cast<int64_t>(z.size()) != m * s * zd) throw std::logic_error("flatness: encoder returned a wrong size");
                for (int64_t r = 0; r < m; ++r) {
                    std::vector<double> zr(z.begin() + r * s * zd, z.begin() + (r + 1) * s * zd);
                    double w, d;
                    traversal_width_delta(zr, s, zd, 1, w, d);
                    sw1 += w, sd1 += d;
                    traversal_width_delta(zr, s, zd, 2, w, d);
                    sw2 += w, sd2 += d;
                }
            }
            const double rr = static_cast<double>(repeats);
            w1.push_back(sw1 / rr);
            w2.push_back(sw2 / rr);
            l1.push_back((s - 1) * sd1 / rr);
            l2.push_back((s - 1) * sd2 / rr);
        }
        auto flat = [](const std::vector<double>& w, const std::vector<double>& l) {
            double t = 0.0;
            for (size_t i = 0; i < w.size(); ++i) t += l[i] == 0.0 ? 0.0 : w[i] / l[i];
            return w.empty() ? std::nan("") : t / static_cast<double>(w.size());
        };
        auto mean = [](const std::vector<double>& v) {
            double t = 0.0;
            for (double x : v) t += x;
            return v.empty() ? std::nan("") : t / static_cast<double>(v.size());
        };
        return MetricResult{
            {"flatness.ave_flatness", flat(w2, l1)},   {"flatness.ave_flatness_l1", flat(w1, l1)},
            {"flatness.ave_flatness_l2", flat(w2, l2)}, {"flatness.ave_width_l1", mean(w1)},
            {"flatness.ave_width_l2", mean(w2)},        {"flatness.ave_length_l1", mean(l1)},
            {"flatness.ave_length_l2", mean(l2)},
        };
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
