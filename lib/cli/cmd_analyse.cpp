// `disent-run analyse <what> DATASET_OR_RUN [key=value ...] --out DIR`: the paper's analyses (lib/analysis).
#include <iostream>

#include "analysis/common.hpp"
#include "analysis/distances.hpp"
#include "analysis/importance.hpp"
#include "analysis/learned.hpp"
#include "analysis/stats.hpp"
#include "analysis/traversals.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "io/csv_table.hpp"
#include "losses/recon_loss.hpp"

namespace disent::cli {

namespace {

const std::vector<std::string> kAnalyses = {"importance", "stats", "distances", "learned", "traversals"};

class AnalyseCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("analyse",
                                  "the paper's analyses of a dataset or a trained run: importance, stats, distances, "
                                  "learned, traversals (writes DIR/<what>.csv and DIR/<what>.png)");
        sub_->alias("analyze");
        sub_->add_option("what", what_, "importance | stats | distances | learned | traversals")
            ->required()
            ->check(CLI::IsMember(kAnalyses));
        sub_->add_option("target", target_, "dataset name (see `disent-run list datasets`) or a run directory")->required();
        sub_->add_option("params", params_, "dataset parameters as key=value, e.g. grid_spacing=2 "
                                            "(for a run directory: config overrides such as device=cpu)");
        sub_->add_option("--loss", loss_, "reconstruction loss that perceives distances (default mse), e.g. "
                                          "mse_box_r31_l1.0_k3969.0");
        sub_->add_option("--out", out_, "output directory")->required();
        sub_->add_option("--seed", seed_, "sampling seed (default: 777 for importance/stats/distances, 7777 for "
                                          "learned/traversals, as in the paper)");
        sub_->add_option("--pairs", pairs_, "importance: distances per factor and for random pairs (default 50000)")
            ->check(CLI::PositiveNumber);
        sub_->add_option("--traversals", traversals_,
                         "distances: traversals per factor (default 256); learned: 100; importance --exact: 1")
            ->check(CLI::PositiveNumber);
        sub_->add_flag("--exact", exact_, "importance: every ordered pair i != j along each traversal instead of sampling");
        sub_->add_option("--samples", samples_, "stats: images sampled (default 0 = every image)")->check(CLI::NonNegativeNumber);
        sub_->add_option("--frames", frames_, "traversals: frames per row (default: dataset 8, latents 9)")
            ->check(CLI::PositiveNumber);
    }

    int run(std::ostream& out, std::ostream&) override {
        const bool run_dir = analysis::is_run_dir(target_);
        if (what_ == "learned" && !run_dir)
            throw UserError("analyse learned: '" + target_ + "' is not a run directory (no config.yaml)");
        const uint64_t seed = seed_ >= 0 ? static_cast<uint64_t>(seed_)
                                         : (what_ == "learned" || what_ == "traversals" ? 7777u : 777u);
        if (what_ == "learned" || (what_ == "traversals" && run_dir)) {
            auto e = analysis::load_run(target_, params_);
            if (what_ == "learned") {
                auto r = analysis::learned_distances(e, traversals_ > 0 ? traversals_ : 100, seed);
                analysis::write_learned(out_, r, "learned distances: " + target_ + " (" + e.framework->recon().name() + ")");
                out << "spearman correlation with the ground truth (all factors):";
                for (size_t l = 0; l < r.levels.size(); ++l)
                    out << " " << r.levels[l] << "=" << io::format_double(r.correlation.back()[l]);
                out << "\n";
            } else {
                auto t = analysis::latent_traversals(e, frames_ > 0 ? frames_ : 9, seed);
                analysis::write_traversals(out_, t, "latent traversals: " + target_);
            }
            return done(out);
        }
        // dataset analyses: a dataset name, or the dataset of a run
        std::unique_ptr<data::GroundTruthData> ds;
        std::string ds_label = target_;
        if (run_dir) {
            auto e = analysis::load_run(target_, params_);
            ds = std::move(e.dataset);
            ds_label = ds->name();
        } else {
            ds = analysis::make_dataset(target_, params_);
            for (const auto& p : params_) ds_label += " " + p;
        }
        if (what_ == "importance" || what_ == "distances") {
            auto loss = losses::make_recon_loss(loss_);
            if (what_ == "importance") {
                analysis::ImportanceOptions o;
                o.pairs = pairs_;
                o.seed = seed;
                o.exact = exact_;
                o.traversals = traversals_ > 0 ? traversals_ : 1;
                auto rows = analysis::factor_importance(*ds, *loss, o);
                analysis::write_importance(out_, rows, ds_label, loss->name());
                for (const auto& r : rows)
                    out << r.factor << ": mean " << io::format_double(r.mean) << " std " << io::format_double(r.std) << " ("
                        << r.pairs << " pairs)\n";
            } else {
                auto m = analysis::distance_matrices(*ds, *loss, traversals_ > 0 ? traversals_ : 256, seed);
                analysis::write_distances(out_, m, ds_label, loss->name());
            }
        } else if (what_ == "stats") {
            auto s = analysis::channel_stats(*ds, samples_, seed);
            analysis::write_stats(out_, s, ds_label);
            for (size_t c = 0; c < s.mean.size(); ++c)
                out << "channel " << c << ": mean " << io::format_double(s.mean[c]) << " std " << io::format_double(s.std[c]) << "\n";
        } else {  // traversals of a dataset
            auto t = analysis::dataset_traversals(*ds, frames_ > 0 ? frames_ : 8, seed);
            analysis::write_traversals(out_, t, "factor traversals: " + ds_label);
        }
        return done(out);
    }

private:
    int done(std::ostream& out) {
        out << "wrote " << out_ << "/" << what_ << ".csv and " << out_ << "/" << what_ << ".png"
            << (what_ == "learned" ? " (+ learned_correlation.csv)" : what_ == "traversals" ? " (+ traversals.gif)" : "") << "\n";
        return 0;
    }
    std::string what_, target_, loss_ = "mse", out_;
    std::vector<std::string> params_;
    int64_t seed_ = -1, pairs_ = 50000, traversals_ = 0, samples_ = 0, frames_ = 0;
    bool exact_ = false;
};

}  // namespace

std::unique_ptr<Command> make_analyse_command() { return std::make_unique<AnalyseCommand>(); }

}  // namespace disent::cli
