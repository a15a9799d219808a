// `data prepare`, `data info`, `data stats`: the prepared-dataset store (lib/data/real_datasets) and the
// normalisation constants of any registered dataset.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <ostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/norm_stats.hpp"
#include "data/real_datasets.hpp"
#include "data/registry.hpp"

namespace disent::cli {

namespace {

const char* kRootHelp = "data root (default: $DISENT_DATA_ROOT, else ./data/dataset)";

const data::RealDatasetSpec& real_spec(const std::string& name) {
    data::register_all();
    if (const auto* s = data::find_real_dataset(name)) return *s;
    std::vector<std::string> keys;
    for (const auto& s : data::real_dataset_specs()) keys.push_back(s.key);
    std::string hint = nearest_name(name, keys), all;
    for (const auto& k : keys) all += (all.empty() ? "" : ", ") + k;
    throw UserError("'" + name + "' is not a file-backed dataset" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                    " (known: " + all + ")");
}

class DataPrepareCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = data_group(app).add_subcommand("prepare", "verify a dataset's original files and convert them into the HDF5 store");
        sub_->add_option("name", name_, "dataset (dsprites, shapes3d, cars3d, smallnorb, mpi3d_toy, mpi3d_realistic, mpi3d_real)")->required();
        sub_->add_option("--source", source_, "folder holding the original files (see `disent-run data info NAME`)")->required();
        sub_->add_option("--root", root_, kRootHelp);
        sub_->add_option("--hash", hash_mode_, "checksum mode: fast (size + three 16 KiB chunks, disent's default) or full")
            ->check(CLI::IsMember({"fast", "full"}));
        sub_->add_option("--expect-md5", expect_, "FILE=MD5: expect this hash for FILE instead of the published one (repeatable)");
        sub_->add_flag("--skip-checksum", skip_, "do not verify checksums (ONLY for small test fixtures; never for real data)");
        sub_->add_flag("--force", force_, "replace an existing prepared file that differs");
    }
    int run(std::ostream& out, std::ostream&) override {
        const auto& spec = real_spec(name_);
        data::PrepareOptions o;
        o.hash_mode = hash_mode_;
        o.skip_checksum = skip_;
        o.force = force_;
        for (const auto& e : expect_) {
            const auto eq = e.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == e.size())
                throw UserError("--expect-md5 '" + e + "': expected FILE=MD5");
            o.expected_md5[e.substr(0, eq)] = e.substr(eq + 1);
        }
        const std::string root = data::resolve_data_root(root_);
        auto r = data::prepare_dataset(spec, source_, root, o);
        for (const auto& n : r.notes) out << "note: " << n << "\n";
        out << name_ << ": " << r.status << " " << r.path << "\n";
        return 0;
    }

private:
    std::string name_, source_, root_, hash_mode_ = "fast";
    std::vector<std::string> expect_;
    bool skip_ = false, force_ = false;
};

class DataInfoCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = data_group(app).add_subcommand("info", "factors, sizes, shape, expected files and prepared state of a dataset");
        sub_->add_option("name", name_, "dataset name")->required();
        sub_->add_option("--root", root_, kRootHelp);
    }
    int run(std::ostream& out, std::ostream&) override {
        data::register_all();
        if (data::find_real_dataset(name_)) {
            out << data::dataset_info_text(real_spec(name_), data::resolve_data_root(root_));
            return 0;
        }
        auto ds = data::make_dataset(name_);  // procedural: default parameters
        out << name_ << ": " << data::dataset_registry().get(name_).info.description << "\n  factors:      ";
        const auto& st = ds->states();
        for (int f = 0; f < st.num_factors(); ++f)
            out << (f ? ", " : "") << st.factor_names()[static_cast<size_t>(f)] << "=" << st.factor_sizes()[static_cast<size_t>(f)];
        out << "\n  observations: " << st.size() << " x (" << ds->height() << ", " << ds->width() << ", " << ds->channels()
            << ") uint8\n  procedural:   generated on the fly (nothing to prepare)\n";
        return 0;
    }

private:
    std::string name_, root_;
};

class DataStatsCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = data_group(app).add_subcommand(
            "stats", "recompute normalisation constants: mean of per-image channel means, mean of per-image unbiased stds");
        sub_->add_option("name", name_, "dataset name")->required();
        sub_->add_option("params", params_, "dataset parameters as key=value, e.g. rgb=false");
        sub_->add_option("--samples", samples_, "number of images drawn uniformly (with replacement); 0: every image");
        sub_->add_option("--seed", seed_, "seed of the sample");
        sub_->add_option("--root", root_, kRootHelp);
    }
    int run(std::ostream& out, std::ostream&) override {
        data::register_all();
        std::map<std::string, std::string> ov;
        for (const auto& p : params_) {
            const auto eq = p.find('=');
            if (eq == std::string::npos || eq == 0) throw UserError("dataset parameter '" + p + "': expected key=value");
            ov[p.substr(0, eq)] = p.substr(eq + 1);
        }
        std::unique_ptr<data::GroundTruthData> ds;
        const auto* spec = data::find_real_dataset(name_);
        if (spec && !data::dataset_registry().find(name_)) {
            ds = std::make_unique<data::PreparedData>(*spec, root_, false);  // e.g. a spec added by a test
        } else {
            if (spec && !root_.empty()) ov["data_root"] = root_;
            ds = data::make_dataset(name_, ov);
        }
        std::vector<int64_t> idx;
        if (samples_ < 0) throw UserError("--samples must be >= 0");
        if (samples_ > 0) {
            Rng rng(seed_);
            for (int64_t i = 0; i < samples_; ++i) idx.push_back(ds->states().sample_index(rng));
        }
        const auto c = data::image_norm_constants(*ds, idx);
        out << std::setprecision(17) << name_ << ": " << (idx.empty() ? ds->states().size() : samples_)
            << (idx.empty() ? " images (all)" : " sampled images") << "\n";
        auto line = [&](const char* what, const std::vector<double>& v) {
            out << what;
            for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
            out << "\n";
        };
        line("mean: ", c.mean);
        line("std:  ", c.std);
        if (!ds->norm_mean().empty()) {
            double worst = 0;
            for (size_t i = 0; i < c.mean.size() && i < ds->norm_mean().size(); ++i)
                worst = std::max({worst, std::abs(c.mean[i] - ds->norm_mean()[i]), std::abs(c.std[i] - ds->norm_std()[i])});
            line("table mean: ", ds->norm_mean());
            line("table std:  ", ds->norm_std());
            out << "max |difference|: " << worst << "\n";
        } else {
            out << "(no table constants for this configuration)\n";
        }
        return 0;
    }

private:
    std::string name_, root_;
    std::vector<std::string> params_;
    int64_t samples_ = 0;
    uint64_t seed_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_data_prepare_command() { return std::make_unique<DataPrepareCommand>(); }
std::unique_ptr<Command> make_data_info_command() { return std::make_unique<DataInfoCommand>(); }
std::unique_ptr<Command> make_data_stats_command() { return std::make_unique<DataStatsCommand>(); }

}  // namespace disent::cli
