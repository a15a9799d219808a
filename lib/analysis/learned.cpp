#include "analysis/learned.hpp"

#include <cmath>
#include <filesystem>

#include "analysis/common.hpp"
#include "config/spec.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "frameworks/vae.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"
#include "io/image_grid.hpp"
#include "losses/kl.hpp"
#include "train/builtins.hpp"
#include "train/checkpoint.hpp"
#include "train/run_dir.hpp"

namespace disent::analysis {

bool is_run_dir(const std::string& path) {
    return std::filesystem::is_directory(path) && std::filesystem::exists(train::RunPaths{path}.config());
}

train::Experiment load_run(const std::string& run_dir, const std::vector<std::string>& overrides) {
    train::RunPaths paths{run_dir};
    if (!is_run_dir(run_dir)) throw UserError("'" + run_dir + "' is not a run directory (no config.yaml)");
    if (!std::filesystem::exists(paths.last_checkpoint()))
        throw UserError("run '" + run_dir + "' has no checkpoint (" + paths.last_checkpoint() + ")");
    auto cfg = config::resolve_file(paths.config(), overrides, train::build_catalog());
    train::Experiment e = train::build_experiment(cfg);
    train::load_checkpoint(paths.last_checkpoint(), *e.framework, *e.optimizer);
    e.framework->model()->eval();
    return e;
}

LearnedResult learned_distances(train::Experiment& e, int64_t traversals, uint64_t seed) {
    if (traversals < 1) throw UserError("learned: --traversals must be at least 1");
    torch::NoGradGuard no_grad;
    const auto& st = e.dataset->states();
    const int F = st.num_factors();
    const bool vae = e.framework->model()->shape().z_multiplier == 2;
    const auto* bvae = dynamic_cast<const frameworks::BetaVae*>(e.framework.get());
    const losses::LatentKind latent = bvae ? bvae->latent_kind() : losses::LatentKind::Normal;
    LearnedResult r;
    r.levels = {"ground_truth", "perceived_data", "latent_l2"};
    if (vae) r.levels.push_back("latent_kl");
    r.levels.push_back("perceived_recon");
    const size_t L = r.levels.size();
    auto& recon = e.framework->recon();
    Rng rng(seed);
    std::vector<int64_t> base(static_cast<size_t>(F));
    std::vector<std::vector<double>> pooled(L);
    for (int f = 0; f < F; ++f) {
        const int n = static_cast<int>(st.factor_sizes()[f]);
        r.factors.push_back(st.factor_names()[f]);
        r.sizes.push_back(n);
        std::vector<std::vector<double>> mats(L, std::vector<double>(static_cast<size_t>(n) * n, 0.0));
        std::vector<int64_t> ia, ib;
        for (int i = 0; i < n; ++i)
            for (int j = i + 1; j < n; ++j) ia.push_back(i), ib.push_back(j);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) mats[0][static_cast<size_t>(i) * n + j] = std::abs(i - j);
        if (!ia.empty()) {
            const torch::Tensor ta = torch::tensor(ia, torch::kLong).to(e.device), tb = torch::tensor(ib, torch::kLong).to(e.device);
            for (int64_t t = 0; t < traversals; ++t) {
                st.sample_factors(rng, base.data());
                torch::Tensor x = e.to_input(e.render(st.traversal_indices(f, base)));
                torch::Tensor raw = e.framework->model()->encode(x);
                torch::Tensor mu, logvar;
                if (vae) {
                    auto post = losses::Posterior::from_encoder_output(raw, latent);
                    mu = post.mu, logvar = post.logvar;
                } else {
                    mu = e.framework->encode(x);
                }
                torch::Tensor xr = e.framework->decode(mu);
                std::vector<torch::Tensor> d;
                d.push_back(recon.pairwise(x.index_select(0, ta), x.index_select(0, tb)));
                d.push_back((mu.index_select(0, ta) - mu.index_select(0, tb)).pow(2).sum(1).sqrt());
                if (vae) {
                    const torch::Tensor ma = mu.index_select(0, ta), mb = mu.index_select(0, tb);
                    const losses::Posterior qa{ma, logvar.index_select(0, ta), latent}, qb{mb, logvar.index_select(0, tb), latent};
                    const torch::Tensor sa = qa.scale(), sb = qb.scale();
                    auto kl = latent == losses::LatentKind::Normal ? losses::kl_normal_normal : losses::kl_laplace_laplace;
                    d.push_back((0.5 * kl(ma, sa, mb, sb) + 0.5 * kl(mb, sb, ma, sa)).mean(1));
                }
                d.push_back(recon.pairwise(xr.index_select(0, ta), xr.index_select(0, tb)));
                for (size_t l = 1; l < L; ++l) {
                    torch::Tensor v = d[l - 1].to(torch::kCPU).to(torch::kFloat64).contiguous();
                    const double* p = v.data_ptr<double>();
                    for (size_t k = 0; k < ia.size(); ++k) {
                        mats[l][ia[k] * n + ib[k]] += p[k];
                        mats[l][ib[k] * n + ia[k]] += p[k];
                    }
                }
            }
            for (size_t l = 1; l < L; ++l)
                for (auto& v : mats[l]) v /= static_cast<double>(traversals);
        }
        // rank correlation of the upper-triangle entries with the ground truth
        std::vector<double> corr;
        std::vector<double> gt;
        for (size_t k = 0; k < ia.size(); ++k) gt.push_back(mats[0][ia[k] * n + ib[k]]);
        for (size_t l = 0; l < L; ++l) {
            std::vector<double> v;
            for (size_t k = 0; k < ia.size(); ++k) v.push_back(mats[l][ia[k] * n + ib[k]]);
            corr.push_back(spearman(gt, v));
            pooled[l].insert(pooled[l].end(), v.begin(), v.end());
        }
        r.correlation.push_back(corr);
        r.matrices.push_back(std::move(mats));
    }
    std::vector<double> all;
    for (size_t l = 0; l < L; ++l) all.push_back(spearman(pooled[0], pooled[l]));
    r.correlation.push_back(all);
    return r;
}

void write_learned(const std::string& dir, const LearnedResult& r, const std::string& title) {
    io::make_dirs(dir);
    std::vector<std::string> header = {"factor", "i", "j"};
    header.insert(header.end(), r.levels.begin(), r.levels.end());
    io::CsvTable t(header);
    io::CsvTable c({"factor", "level", "spearman"});
    std::vector<io::Image> panels;
    std::vector<std::string> row_labels;
    const Rgb colors[] = {kBlues, kPurples, kReds, kReds, kReds};
    for (size_t f = 0; f < r.factors.size(); ++f) {
        const int n = r.sizes[f];
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                std::vector<std::string> row = {r.factors[f], std::to_string(i), std::to_string(j)};
                for (size_t l = 0; l < r.levels.size(); ++l)
                    row.push_back(io::format_double(r.matrices[f][l][static_cast<size_t>(i) * n + j]));
                t.add_row(row);
            }
        for (size_t l = 0; l < r.levels.size(); ++l) {
            io::Image p = heatmap_panel(r.matrices[f][l], n, colors[std::min<size_t>(l, 4)]);
            io::draw_text(p, 2, p.height - 8, "rho " + short_number(r.correlation[f][l]), {150, 0, 0});
            panels.push_back(std::move(p));
        }
        row_labels.push_back(r.factors[f]);
    }
    for (size_t f = 0; f < r.correlation.size(); ++f)
        for (size_t l = 0; l < r.levels.size(); ++l)
            c.add_row({f < r.factors.size() ? r.factors[f] : "all", r.levels[l], io::format_double(r.correlation[f][l])});
    t.save(dir + "/learned.csv");
    c.save(dir + "/learned_correlation.csv");
    std::vector<std::string> col_labels;
    for (const auto& l : r.levels) col_labels.push_back(l);
    std::vector<std::string> labels;
    for (size_t f = 0; f < r.factors.size(); ++f) labels.push_back(r.factors[f]);
    io::write_png(dir + "/learned.png",
                  panel_figure(panels, static_cast<int>(r.factors.size()), static_cast<int>(r.levels.size()), title,
                               col_labels, labels));
}

}  // namespace disent::analysis
