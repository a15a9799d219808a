#include "cli/commands.hpp"

#include <iostream>
#include <sstream>

#include "config/spec.hpp"
#include "core/error.hpp"
#include "data/registry.hpp"
#include "io/npz.hpp"
#include "losses/recon_loss_name.hpp"
#include "train/builtins.hpp"
#include "train/trainer.hpp"

namespace disent::cli {

namespace {

int exit_code(const train::TrainResult& r) { return r.status == train::TrainStatus::Finished ? 0 : EXIT_INTERRUPTED; }

const std::vector<std::string> kProgressModes = {"auto", "bar", "lines", "none"};

class TrainCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("train", "train a new run from a YAML spec with key.path=value overrides");
        sub_->add_option("spec", spec_, "experiment spec (YAML)")->required();
        sub_->add_option("overrides", overrides_, "overrides such as train.steps=20 framework.beta=0.001");
        sub_->add_option("--out", out_dir_, "run directory (default runs/<time>_<framework>_<dataset>)");
        sub_->add_flag("--overwrite", overwrite_, "replace an existing run in --out");
        sub_->add_option("--progress", progress_, "auto (bar on a terminal), bar, lines or none")
            ->check(CLI::IsMember(kProgressModes));
    }
    int run(std::ostream& out, std::ostream&) override {
        auto cfg = config::resolve_file(spec_, overrides_, train::build_catalog());
        train::TrainOptions o;
        o.run_dir = out_dir_;
        o.overwrite = overwrite_;
        o.progress = progress_;
        o.out = &out;
        return exit_code(train::train_new(cfg, o));
    }

private:
    std::string spec_, out_dir_, progress_ = "auto";
    std::vector<std::string> overrides_;
    bool overwrite_ = false;
};

class ResumeCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("resume", "continue a run from its last checkpoint (model, optimiser, step)");
        sub_->add_option("run_dir", run_dir_, "run directory written by `train`")->required();
        sub_->add_option("--progress", progress_, "auto (bar on a terminal), bar, lines or none")
            ->check(CLI::IsMember(kProgressModes));
    }
    int run(std::ostream& out, std::ostream&) override {
        train::TrainOptions o;
        o.run_dir = run_dir_;
        o.progress = progress_;
        o.out = &out;
        return exit_code(train::resume_run(train::build_catalog(), o));
    }

private:
    std::string run_dir_, progress_ = "auto";
};

class ConfigCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("config", "print the resolved config of a spec without running it");
        sub_->add_option("spec", spec_, "experiment spec (YAML)");
        sub_->add_option("overrides", overrides_, "key.path=value overrides");
        sub_->add_flag("--reference", reference_, "print the config reference of every component (docs/config.md)");
    }
    int run(std::ostream& out, std::ostream&) override {
        auto catalog = train::build_catalog();
        if (reference_) {
            out << config::config_reference_markdown(catalog);
            return 0;
        }
        if (spec_.empty()) throw UserError("config: give a spec file (or --reference)");
        out << config::resolve_file(spec_, overrides_, catalog).to_yaml();
        return 0;
    }

private:
    std::string spec_;
    std::vector<std::string> overrides_;
    bool reference_ = false;
};

class ListCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("list", "list registered components: datasets, samplers, models, frameworks, "
                                          "optimizers, metrics, schedules, recon_losses");
        sub_->add_option("kind", kind_, "one kind (plural or singular); all when omitted");
    }
    int run(std::ostream& out, std::ostream&) override {
        auto catalog = train::build_catalog();
        std::string kind = kind_;
        if (!kind.empty() && kind.back() == 's') kind.pop_back();
        std::vector<std::string> kinds = {"dataset", "sampler", "model", "framework", "optimizer", "metric", "recon_loss"};
        if (catalog.kinds.count("schedule")) kinds.insert(kinds.end() - 1, "schedule");
        if (!kind.empty() && std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
            std::string hint = nearest_name(kind, kinds);
            throw UserError("list: unknown kind '" + kind_ + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "s'?"));
        }
        for (const auto& k : kinds) {
            if (!kind.empty() && k != kind) continue;
            out << k << "s:\n";
            if (k == "recon_loss") {
                for (const auto& n : losses::plain_recon_loss_names()) out << "  " << n << "\n";
                out << "  <loss>_<kernel>[_l<w>_k<w>][_norm_<mode>]  augmented kernel loss, kernel box_r<R> or gau_r<R>,"
                       " e.g. mse_box_r31_l1.0_k3969.0_norm_sum (the paper's box-blur loss)\n";
                continue;
            }
            for (const auto& info : catalog.kinds.at(k)) {
                out << "  " << info.name << std::string(info.name.size() < 18 ? 18 - info.name.size() : 1, ' ')
                    << info.description;
                if (info.traits.count("input_mode")) {
                    const std::string& mode = info.traits.at("input_mode");
                    out << " [input: " << (mode == "num_samples" ? "single, pair or triplet by num_samples" : mode) << "]";
                }
                out << "\n";
            }
        }
        return 0;
    }

private:
    std::string kind_;
};

std::vector<int64_t> parse_indices(const std::string& text, int64_t n) {
    std::vector<int64_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto dash = item.find('-', 1);
        try {
            size_t pos = 0;
            if (dash != std::string::npos) {  // a range a-b (inclusive)
                int64_t a = std::stoll(item.substr(0, dash), &pos);
                int64_t b = std::stoll(item.substr(dash + 1));
                for (int64_t i = a; i <= b; ++i) out.push_back(i);
            } else {
                out.push_back(std::stoll(item, &pos));
                if (pos != item.size()) throw std::invalid_argument(item);
            }
        } catch (const std::exception&) {
            throw UserError("--indices: '" + item + "' is not an index or a range a-b");
        }
    }
    for (int64_t i : out)
        if (i < 0 || i >= n) throw UserError("--indices: index " + std::to_string(i) + " is outside [0, " + std::to_string(n) + ")");
    if (out.empty()) throw UserError("--indices: no indices given");
    return out;
}

class DataExportCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = data_group(app).add_subcommand("export", "write observations and factors of a dataset to a NumPy .npz");
        sub_->add_option("name", name_, "dataset name (see `disent-run list datasets`)")->required();
        sub_->add_option("params", params_, "dataset parameters as key=value, e.g. grid_spacing=4");
        sub_->add_option("--indices", indices_, "comma-separated indices or ranges a-b")->required();
        sub_->add_option("--out", out_, "output .npz file")->required();
    }
    int run(std::ostream& out, std::ostream&) override {
        data::register_all();
        std::map<std::string, std::string> ov;
        for (const auto& p : params_) {
            auto eq = p.find('=');
            if (eq == std::string::npos || eq == 0) throw UserError("dataset parameter '" + p + "': expected key=value");
            ov[p.substr(0, eq)] = p.substr(eq + 1);
        }
        const auto& entry = data::dataset_registry().get(name_);
        std::vector<std::string> known;
        for (const auto& s : entry.info.params) known.push_back(s.name);
        for (const auto& [k, _] : ov) {
            if (std::find(known.begin(), known.end(), k) == known.end()) {
                std::string hint = nearest_name(k, known);
                throw UserError("dataset '" + name_ + "' has no parameter '" + k + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            }
        }
        auto ds = data::make_dataset(name_, ov);
        auto idx = parse_indices(indices_, ds->states().size());
        const int64_t n = static_cast<int64_t>(idx.size()), f = ds->states().num_factors();
        std::vector<uint8_t> obs(static_cast<size_t>(n * ds->obs_bytes()));
        std::vector<int64_t> factors(static_cast<size_t>(n * f));
        for (int64_t i = 0; i < n; ++i) {
            ds->render(idx[i], obs.data() + i * ds->obs_bytes());
            ds->states().idx_to_pos(idx[i], factors.data() + i * f);
        }
        std::map<std::string, io::NpyArray> arrays;
        arrays["observations"] = io::make_array(obs, {n, ds->height(), ds->width(), ds->channels()});
        arrays["factors"] = io::make_array(factors, {n, f});
        io::write_npz(out_, arrays);
        out << "wrote " << n << " observations of " << name_ << " (" << ds->height() << "x" << ds->width() << "x"
            << ds->channels() << ", factors";
        for (const auto& fn : ds->states().factor_names()) out << " " << fn;
        out << ") to " << out_ << "\n";
        return 0;
    }

private:
    std::string name_, indices_, out_;
    std::vector<std::string> params_;
};

}  // namespace

CLI::App& data_group(CLI::App& app) {
    for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; }))
        if (s->get_name() == "data") return *s;
    CLI::App* d = app.add_subcommand("data", "dataset tools: export, prepare, info, stats");
    d->require_subcommand(1);
    return *d;
}

std::vector<std::unique_ptr<Command>> make_commands() {
    std::vector<std::unique_ptr<Command>> v;
    v.push_back(std::make_unique<TrainCommand>());
    v.push_back(std::make_unique<ResumeCommand>());
    v.push_back(std::make_unique<ConfigCommand>());
    v.push_back(std::make_unique<ListCommand>());
    v.push_back(std::make_unique<DataExportCommand>());
    v.push_back(make_evaluate_command());
    v.push_back(make_data_prepare_command());
    v.push_back(make_data_info_command());
    v.push_back(make_data_stats_command());
    v.push_back(make_sweep_command());
    v.push_back(make_analyse_command());
    return v;
}

}  // namespace disent::cli
