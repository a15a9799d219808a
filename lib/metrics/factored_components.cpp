#include "metrics/factored_components.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "metrics/stats.hpp"

namespace disent::metrics {

double ratio_score(std::vector<double> v) {
    const double n = static_cast<double>(v.size());
    double sum = 0.0, mx = -INFINITY;
    for (double x : v) sum += x, mx = std::max(mx, x);
    const double r = mx / sum;
    return (r - 1.0 / n) / (1.0 - 1.0 / n);
}

void linearity_of_traversal(const std::vector<double>& z, int64_t s, int64_t zd, double& axis_ratio, double& linear_ratio,
                            std::vector<double>& axis_var) {
    Codes c{s, zd, z};
    const std::vector<double> cov = covariance(c);  // X^T X / (S - 1) of the centred codes
    axis_var.resize(zd);
    for (int64_t d = 0; d < zd; ++d) axis_var[d] = cov[d * zd + d];
    std::vector<double> ev = symmetric_eigenvalues(cov, zd);
    for (auto& e : ev) e = std::abs(e);
    axis_ratio = ratio_score(axis_var);
    linear_ratio = ratio_score(ev);
}

double geometric_mean(const std::vector<double>& v) {
    if (v.empty()) return std::nan("");
    double t = 0.0;
    for (double x : v) t += std::log(x);  // log of a negative is NaN, log 0 = -inf
    return std::exp(t / static_cast<double>(v.size()));
}

DistanceAgreement distance_agreement(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size() || a.size() % 2) throw std::invalid_argument("distance_agreement: sizes");
    const size_t m = a.size() / 2;
    size_t same = 0;
    for (size_t i = 0; i < m; ++i) {
        const int ca = (a[i] < a[m + i]) ? -1 : (a[i] > a[m + i] ? 1 : 0);
        const int cb = (b[i] < b[m + i]) ? -1 : (b[i] > b[m + i] ? 1 : 0);
        same += ca == cb;
    }
    return {m ? static_cast<double>(same) / static_cast<double>(m) : std::nan(""), spearman(a, b), pearson(a, b)};
}

namespace {

double norm_dist(const double* a, const double* b, int64_t n, int p) {
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) s += p == 1 ? std::abs(a[i] - b[i]) : (a[i] - b[i]) * (a[i] - b[i]);
    return p == 1 ? s : std::sqrt(s);
}
double mse(const float* a, const float* b, int64_t n) {
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) s += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
    return s / static_cast<double>(n);
}

// Distance lists over triplets: ground, data, latent l1, latent l2; ap values then an values per batch,
// accumulated as two halves so distance_agreement sees [ap..., an...].
struct Triplets {
    std::vector<double> ap[4], an[4];
    void add(int k, double p, double n) { ap[k].push_back(p), an[k].push_back(n); }
    std::vector<double> cat(int k) const {
        std::vector<double> v = ap[k];
        v.insert(v.end(), an[k].begin(), an[k].end());
        return v;
    }
};

// One group of `s` points (codes z, observations x, ground distance function): num_samples triplets.
template <class Ground>
void add_triplets(Triplets& t, const double* z, int64_t zd, const float* x, int64_t xd, int64_t s, int64_t num, Rng& rng,
                  Ground ground) {
    for (int64_t k = 0; k < num; ++k) {
        const int64_t a = rng.uniform_int(0, s - 1), p = rng.uniform_int(0, s - 1), n = rng.uniform_int(0, s - 1);
        t.add(0, ground(a, p), ground(a, n));
        t.add(1, mse(x + a * xd, x + p * xd, xd), mse(x + a * xd, x + n * xd, xd));
        t.add(2, norm_dist(z + a * zd, z + p * zd, zd, 1), norm_dist(z + a * zd, z + n * zd, zd, 1));
        t.add(3, norm_dist(z + a * zd, z + p * zd, zd, 2), norm_dist(z + a * zd, z + n * zd, zd, 2));
    }
}

// rsame/rcorr/lcorr of the pairings ground-data, ground-latent.{l1,l2}, latent-data.{l1,l2}.
std::map<std::string, double> distance_scores(const Triplets& t) {
    const auto g = t.cat(0), d = t.cat(1), l1 = t.cat(2), l2 = t.cat(3);
    std::map<std::string, double> out;
    auto put = [&](const std::string& name, const DistanceAgreement& a) {
        out["rsame_" + name] = a.rsame;
        out["rcorr_" + name] = a.rcorr;
        out["lcorr_" + name] = a.lcorr;
    };
    put("ground_data", distance_agreement(g, d));
    put("ground_latent.l1", distance_agreement(g, l1));
    put("ground_latent.l2", distance_agreement(g, l2));
    put("latent_data.l1", distance_agreement(l1, d));
    put("latent_data.l2", distance_agreement(l2, d));
    return out;
}

MetricResult run_factored(const MetricContext& ctx, const Params& p, bool distances, bool linearity) {
    if (!ctx.states || !ctx.encode) throw std::logic_error("factored_components: metric context without states or encoder");
    if (distances && !ctx.observe)
        throw UserError("metric 'distances' needs observations (images), which this context does not provide; "
                        "use 'linearity' or evaluate a model");
    const auto& states = *ctx.states;
    const int64_t repeats = p.get_int("repeats"), num_samples = p.get_int("num_samples"), zd = ctx.z_size;
    Rng rng(ctx.seed);
    MetricResult r;
    std::map<std::string, std::vector<double>> per_factor;  // key -> value per active factor
    std::vector<int64_t> base(states.num_factors());
    for (int f = 0; f < states.num_factors(); ++f) {
        const int64_t s = states.factor_sizes()[f];
        if (s <= 1) continue;
        Triplets t;
        double axis = 0, lin = 0, align = 0;
        std::vector<double> axis_var_sum(zd, 0.0), axis_var;
        const int64_t chunk = std::max<int64_t>(1, (distances ? 4096 : 65536) / s);
        for (int64_t start = 0; start < repeats; start += chunk) {
            const int64_t m = std::min(chunk, repeats - start);
            std::vector<int64_t> idx;
            for (int64_t k = 0; k < m; ++k) {
                states.sample_factors(rng, base.data());
                const auto tr = states.traversal_indices(f, base);
                idx.insert(idx.end(), tr.begin(), tr.end());
            }
            const std::vector<double> z = ctx.encode(idx);
            if (static_cast<int64_t>(z.size()) != m * s * zd) throw std::logic_error("factored_components: encoder returned a wrong size");
            std::vector<float> x;
            int64_t xd = 0;
            if (distances) {
                x = ctx.observe(idx);
                xd = static_cast<int64_t>(x.size()) / static_cast<int64_t>(idx.size());
            }
            for (int64_t k = 0; k < m; ++k) {
                const double* zk = &z[k * s * zd];
                if (linearity) {
                    double a, l;
                    linearity_of_traversal(std::vector<double>(zk, zk + s * zd), s, zd, a, l, axis_var);
                    axis += a, lin += l, align += a / (l + 1e-20);
                    for (int64_t d = 0; d < zd; ++d) axis_var_sum[d] += axis_var[d];
                }
                if (distances)
                    add_triplets(t, zk, zd, &x[k * s * xd], xd, s, num_samples, rng,
                                 [](int64_t a, int64_t b) { return static_cast<double>(std::abs(a - b)); });
            }
        }
        if (linearity) {
            const double rr = static_cast<double>(repeats);
            per_factor["linearity.axis_ratio.var"].push_back(axis / rr);
            per_factor["linearity.linear_ratio.var"].push_back(lin / rr);
            per_factor["linearity.axis_alignment.var"].push_back(align / rr);
            per_factor["linearity.axis_ratio_ave.var"].push_back(ratio_score(axis_var_sum));  // scale-free: sum = mean * repeats
        }
        if (distances)
            for (const auto& [k, v] : distance_scores(t)) per_factor["distances." + k + ".factor"].push_back(v);
    }
    for (const auto& [k, v] : per_factor) r[k] = geometric_mean(v);
    if (distances) {  // global: random subsets, ground distance = L1 between factor vectors
        const int64_t g = p.get_int("global_subset_size"), nf = states.num_factors();
        Triplets t;
        const int64_t chunk = std::max<int64_t>(1, 4096 / g);
        for (int64_t start = 0; start < repeats; start += chunk) {
            const int64_t m = std::min(chunk, repeats - start);
            std::vector<int64_t> idx, pos(m * g * nf);
            for (int64_t k = 0; k < m * g; ++k) {
                states.sample_factors(rng, &pos[k * nf]);
                idx.push_back(states.pos_to_idx(&pos[k * nf]));
            }
            const std::vector<double> z = ctx.encode(idx);
            const std::vector<float> x = ctx.observe(idx);
            const int64_t xd = static_cast<int64_t>(x.size()) / static_cast<int64_t>(idx.size());
            for (int64_t k = 0; k < m; ++k) {
                const int64_t* pk = &pos[k * g * nf];
                add_triplets(t, &z[k * g * zd], zd, &x[k * g * xd], xd, g, num_samples, rng, [&](int64_t a, int64_t b) {
                    double s = 0.0;
                    for (int64_t j = 0; j < nf; ++j) s += std::abs(static_cast<double>(pk[a * nf + j] - pk[b * nf + j]));
                    return s;
                });
            }
        }
        for (const auto& [k, v] : distance_scores(t)) r["distances." + k + ".global"] = v;
    }
    return r;
}

void add(Registry<MetricDef>& registry, const std::string& name, const std::string& description, bool distances, bool linearity) {
    ComponentInfo info;
    info.name = name;
    info.description = description;
    info.params = {
        {"num_samples", ParamType::Int, "64", "triplets drawn per traversal (distances)", 1.0},
        {"global_subset_size", ParamType::Int, "32", "uniform factor vectors per global repeat (distances)", 2.0},
        {"repeats", ParamType::Int, "1024", "random traversals per factor (and global subsets)", 1.0},
        {"batch_size", ParamType::Int, "64", "encoder batch size (disent's granularity)", 1.0},
    };
    MetricDef def;
    def.fast = {{"repeats", "128"}};
    def.run = [distances, linearity](const MetricContext& ctx, const Params& p) { return run_factored(ctx, p, distances, linearity); };
    registry.add(std::move(info), std::move(def));
}

}  // namespace

void register_factored_components(Registry<MetricDef>& registry) {
    if (!registry.find("factored_components"))
        add(registry, "factored_components", "distances (needs images) and linearity of factor traversals (disent)", true, true);
    if (!registry.find("distances"))
        add(registry, "distances", "rank/linear agreement of ground, data and latent distances over triplets (needs images)", true, false);
    if (!registry.find("linearity"))
        add(registry, "linearity", "axis alignment and linearity (PCA) of factor traversals in latent space", false, true);
}

}  // namespace disent::metrics
