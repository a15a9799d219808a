// `disent-run evaluate`: the metric suite on a trained run (or checkpoint), or on stored codes.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "config/spec.hpp"
#include "core/error.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "io/npz.hpp"
#include "metrics/metric.hpp"
#include "train/builtins.hpp"
#include "train/checkpoint.hpp"
#include "train/evaluation.hpp"
#include "train/experiment.hpp"
#include "train/run_dir.hpp"

namespace disent::cli {

namespace {

namespace fs = std::filesystem;
using Results = std::vector<std::pair<std::string, metrics::MetricResult>>;

std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<std::string> codes_metric_names() {
    std::vector<std::string> out;
    for (const auto& e : metrics::metric_registry().entries())
        if (e.make.run_codes) out.push_back(e.info.name);
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// ---- stored codes ---------------------------------------------------------------------------------
struct CodesFile {
    metrics::StoredCodes s;
    metrics::Codes test_codes;
    metrics::Factors test_factors;
    bool has_test = false;
};

metrics::Codes to_codes(const io::NpyArray& a, const std::string& where) {
    if (a.shape.size() != 2 || a.shape[0] < 1 || a.shape[1] < 1)
        throw UserError(where + " must be a 2-D (N, Z) array with N, Z >= 1");
    if (a.dtype != "<f4" && a.dtype != "<f8") throw UserError(where + " must be float32 or float64, not " + a.dtype);
    metrics::Codes c{a.shape[0], a.shape[1], io::as_doubles(a)};
    for (size_t i = 0; i < c.values.size(); ++i)
        if (!std::isfinite(c.values[i]))
            throw UserError(where + " holds a non-finite value at row " + std::to_string(i / c.z) + ", column " + std::to_string(i % c.z));
    return c;
}

metrics::Factors to_factors(const io::NpyArray& a, const std::string& where, int64_t n) {
    if (a.shape.size() != 2 || a.shape[1] < 1) throw UserError(where + " must be a 2-D (N, F) integer array with F >= 1");
    if (a.shape[0] != n)
        throw UserError(where + " has " + std::to_string(a.shape[0]) + " rows but its codes have " + std::to_string(n));
    if (a.dtype == "<f4" || a.dtype == "<f8") throw UserError(where + " must hold integers, not " + a.dtype);
    metrics::Factors f{a.shape[0], a.shape[1], io::as_int64(a)};
    return f;
}

CodesFile read_codes(const std::string& path) {
    if (!fs::exists(path)) throw UserError("--codes: '" + path + "' does not exist");
    const auto arrays = io::read_npz(path);
    auto need = [&](const std::string& name) -> const io::NpyArray& {
        auto it = arrays.find(name);
        if (it == arrays.end()) throw UserError("'" + path + "': no array '" + name + "' (expected codes (N,Z) and factors (N,F))");
        return it->second;
    };
    auto where = [&](const std::string& name) { return "'" + path + "' array '" + name + "'"; };
    CodesFile cf;
    cf.s.train_codes = to_codes(need("codes"), where("codes"));
    cf.s.train_factors = to_factors(need("factors"), where("factors"), cf.s.train_codes.n);
    const bool ct = arrays.count("codes_test") != 0, ft = arrays.count("factors_test") != 0;
    if (ct != ft) throw UserError("'" + path + "': codes_test and factors_test must be given together");
    if (ct) {
        cf.test_codes = to_codes(arrays.at("codes_test"), where("codes_test"));
        if (cf.test_codes.z != cf.s.train_codes.z)
            throw UserError(where("codes_test") + " has " + std::to_string(cf.test_codes.z) + " columns but codes has " +
                            std::to_string(cf.s.train_codes.z));
        cf.test_factors = to_factors(arrays.at("factors_test"), where("factors_test"), cf.test_codes.n);
        if (cf.test_factors.f != cf.s.train_factors.f)
            throw UserError(where("factors_test") + " has " + std::to_string(cf.test_factors.f) + " columns but factors has " +
                            std::to_string(cf.s.train_factors.f));
        cf.has_test = true;
    }
    if (arrays.count("factor_sizes")) {
        const auto& a = arrays.at("factor_sizes");
        if (a.shape.size() != 1 || a.shape[0] != cf.s.train_factors.f)
            throw UserError(where("factor_sizes") + " must be 1-D with one entry per factor (" + std::to_string(cf.s.train_factors.f) + ")");
        cf.s.factor_sizes = io::as_int64(a);
    }
    auto check_range = [&](const metrics::Factors& f, const std::string& name) {
        for (size_t i = 0; i < f.values.size(); ++i) {
            const int64_t j = static_cast<int64_t>(i) % f.f, v = f.values[i];
            if (v < 0 || (!cf.s.factor_sizes.empty() && v >= cf.s.factor_sizes[j]))
                throw UserError(where(name) + ": value " + std::to_string(v) + " at row " + std::to_string(i / f.f) + ", factor " +
                                std::to_string(j) + " is outside [0, " +
                                (cf.s.factor_sizes.empty() ? std::string("inf") : std::to_string(cf.s.factor_sizes[j])) + ")");
        }
    };
    check_range(cf.s.train_factors, "factors");
    if (cf.has_test) check_range(cf.test_factors, "factors_test");
    return cf;
}

// ---- output -----------------------------------------------------------------------------------------
nlohmann::json results_json(const Results& results, const std::map<std::string, double>& seconds) {
    nlohmann::json m = nlohmann::json::object();
    for (const auto& [name, res] : results) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [k, v] : res) j[k] = v;
        m[name] = j;
    }
    nlohmann::json t = nlohmann::json::object();
    for (const auto& [k, v] : seconds) t[k] = v;
    return {{"metrics", m}, {"time_s", t}};
}

void print_results(std::ostream& out, const Results& results, const std::map<std::string, double>& seconds) {
    for (const auto& [name, res] : results) {
        out << "[evaluate] " << name << " (" << std::fixed << std::setprecision(2) << seconds.at(name) << " s)";
        out << std::defaultfloat << std::setprecision(6);
        for (const auto& [k, v] : res) out << " " << k << "=" << v;
        out << "\n";
    }
}

class EvaluateCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("evaluate", "run metrics on a trained run / checkpoint, or on stored codes (--codes FILE.npz)");
        sub_->add_option("target", target_, "run directory or checkpoint file (.pt)");
        sub_->add_option("--codes", codes_, "NumPy .npz with codes (N,Z float), factors (N,F int), optional codes_test, "
                                            "factors_test, factor_sizes");
        sub_->add_option("--metrics", metrics_, "comma-separated metric names (default: the run's final metrics; with "
                                                "--codes every metric that needs only codes)");
        sub_->add_option("--preset", preset_, "full (reference sample counts) or fast")->check(CLI::IsMember({"full", "fast"}));
        sub_->add_option("--out", out_, "write the scores as JSON to this file");
        sub_->add_option("--seed", seed_, "metric seed (default: the run's final-metric seed; 0 with --codes)");
        sub_->add_option("--device", device_, "override the run's device (cpu, cuda, cuda:1, auto)");
    }

    int run(std::ostream& out, std::ostream&) override {
        train::register_builtins();
        metrics::register_all();
        if (codes_.empty() == target_.empty())
            throw UserError("evaluate: give either a run directory / checkpoint or --codes FILE.npz (exactly one)");
        std::vector<std::string> names = split_names(metrics_);
        for (const auto& n : names) metrics::metric_registry().get(n);  // unknown names fail before any work
        return codes_.empty() ? run_model(out, names) : run_codes(out, names);
    }

private:
    int run_codes(std::ostream& out, std::vector<std::string> names) {
        if (!device_.empty()) throw UserError("evaluate: --device applies to a model, not to --codes");
        const std::vector<std::string> usable = codes_metric_names();
        if (names.empty()) names = usable;
        for (const auto& n : names)
            if (!metrics::metric_registry().get(n).make.run_codes)
                throw UserError("metric '" + n + "' needs a model (it encodes observations it chooses), so it cannot run on --codes; "
                                "metrics that run on stored codes: " + join(usable));
        CodesFile cf = read_codes(codes_);
        if (cf.has_test) {
            cf.s.test_codes = &cf.test_codes;
            cf.s.test_factors = &cf.test_factors;
        }
        const uint64_t seed = seed_ ? static_cast<uint64_t>(*seed_) : 0;
        Results results;
        std::map<std::string, double> seconds;
        for (size_t i = 0; i < names.size(); ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto& def = metrics::metric_registry().get(names[i]).make;
            results.emplace_back(names[i], def.run_codes(cf.s, metrics::preset_params(names[i], preset_), derive_seed(seed, i)));
            seconds[names[i]] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        print_results(out, results, seconds);
        if (!out_.empty()) {
            nlohmann::json j = results_json(results, seconds);
            j["source"] = codes_;
            j["preset"] = preset_;
            j["seed"] = seed;
            j["num_points"] = cf.s.train_codes.n;
            j["num_test_points"] = cf.has_test ? cf.test_codes.n : 0;
            io::write_json_atomic(out_, j);
            out << "[evaluate] wrote " << out_ << "\n";
        }
        return 0;
    }

    int run_model(std::ostream& out, std::vector<std::string> names) {
        // A run directory, or a checkpoint (inside a run directory's checkpoints/ or standalone).
        std::string run_dir, ckpt;
        if (fs::is_directory(target_)) {
            run_dir = target_;
            ckpt = train::RunPaths{run_dir}.last_checkpoint();
            if (!fs::exists(train::RunPaths{run_dir}.config())) throw UserError("'" + target_ + "' is not a run directory (no config.yaml)");
            if (!fs::exists(ckpt)) throw UserError("run '" + target_ + "' has no checkpoint (checkpoints/last.pt) to evaluate");
        } else if (fs::is_regular_file(target_)) {
            ckpt = target_;
            const fs::path parent = fs::absolute(target_).parent_path();
            if (parent.filename() == "checkpoints" && fs::exists(parent.parent_path() / "config.yaml"))
                run_dir = parent.parent_path().string();
        } else {
            throw UserError("evaluate: '" + target_ + "' is neither a run directory nor a checkpoint file");
        }
        const train::CheckpointInfo info = train::read_checkpoint_info(ckpt);
        std::vector<std::string> overrides;
        if (!device_.empty()) overrides.push_back("device=" + device_);
        const auto catalog = train::build_catalog();
        config::ResolvedConfig cfg = config::resolve_text(info.config_yaml, ckpt + " (embedded config)", overrides, catalog);
        train::Experiment e = train::build_experiment(cfg);
        train::load_checkpoint(ckpt, *e.framework, *e.optimizer);
        e.framework->model()->eval();
        if (names.empty()) names = cfg.section("metrics").get_string_list("final");
        if (names.empty()) throw UserError("evaluate: the run lists no final metrics; give --metrics");
        const uint64_t seed = seed_ ? static_cast<uint64_t>(*seed_) : derive_seed(e.seed, 4);
        std::unique_ptr<train::RunLock> lock;
        if (!run_dir.empty()) lock = std::make_unique<train::RunLock>(run_dir);  // no training writes meanwhile
        Results results;
        std::map<std::string, double> seconds;
        const auto all0 = std::chrono::steady_clock::now();
        for (size_t i = 0; i < names.size(); ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            // the i-th metric's seed is derived from `seed` exactly as run_metrics does for training's final metrics
            results.emplace_back(names[i], train::run_metric(e, names[i], preset_, derive_seed(seed, i)));
            seconds[names[i]] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - all0).count();
        print_results(out, results, seconds);
        nlohmann::json j = results_json(results, seconds);
        j["source"] = target_;
        j["checkpoint_step"] = info.step;
        j["preset"] = preset_;
        j["seed"] = seed;
        j["device"] = e.device.str();
        j["total_time_s"] = total;
        if (!out_.empty()) {
            io::write_json_atomic(out_, j);
            out << "[evaluate] wrote " << out_ << "\n";
        }
        if (!run_dir.empty()) {
            const train::RunPaths paths{run_dir};
            io::CsvTable t = fs::exists(paths.metrics_csv()) ? io::CsvTable::load(paths.metrics_csv())
                                                             : io::CsvTable({"step", "phase", "metric", "key", "value"});
            for (const auto& [metric, res] : results)
                for (const auto& [k, v] : res) t.add_row({std::to_string(info.step), "evaluate", metric, k, io::format_double(v)});
            t.save(paths.metrics_csv());
            nlohmann::json summary = fs::exists(paths.summary()) ? io::read_json(paths.summary()) : nlohmann::json::object();
            nlohmann::json block = {{"step", info.step}, {"preset", preset_}, {"seed", seed}, {"device", e.device.str()},
                                    {"time_s", total}, {"metrics", nlohmann::json::object()}};
            for (const auto& [metric, res] : results)
                for (const auto& [k, v] : res) block["metrics"][k] = v;
            summary["evaluate"] = block;
            io::write_json_atomic(paths.summary(), summary);
            out << "[evaluate] appended " << results.size() << " metrics to " << paths.metrics_csv() << " and " << paths.summary() << "\n";
        }
        return 0;
    }

    std::string target_, codes_, metrics_, preset_ = "full", out_, device_;
    std::optional<int64_t> seed_;
};

}  // namespace

std::unique_ptr<Command> make_evaluate_command() { return std::make_unique<EvaluateCommand>(); }

}  // namespace disent::cli
