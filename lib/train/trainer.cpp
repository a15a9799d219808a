#include "train/trainer.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "io/png.hpp"
#include "train/batches.hpp"
#include "train/checkpoint.hpp"
#include "train/evaluation.hpp"
#include "train/experiment.hpp"
#include "train/run_dir.hpp"
#include "train/step_runner.hpp"

namespace disent::train {

namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) { g_stop_signal.store(sig); }

// Installs the stop handlers for the duration of a run and restores the previous ones afterwards.
class SignalScope {
public:
    SignalScope() {
        g_stop_signal.store(0);
        struct sigaction sa{};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &old_[i]);
    }
    ~SignalScope() {
        for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old_[i], nullptr);
    }

private:
    static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGUSR1};
    struct sigaction old_[3];
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string fmt(double v, int prec = 6) {
    std::ostringstream os;
    os << std::setprecision(prec) << v;
    return os.str();
}

const char* kPhases[4] = {"data_ms", "forward_ms", "backward_ms", "optimizer_ms"};

// Running sums over one log interval: losses stay on the device until the interval is read.
struct Interval {
    int64_t steps = 0;
    StepTimes phases;
    double step_s = 0;  // wall time of the steps themselves (metrics and checkpoints excluded)
    void reset() {
        steps = 0;
        phases = StepTimes{};
        step_s = 0;
    }
};

class Progress {
public:
    Progress(std::ostream& out, const std::string& mode, int64_t total) : out_(out), total_(total) {
        bar_ = mode == "bar" || (mode == "auto" && ::isatty(STDOUT_FILENO) && &out == &std::cout);
        none_ = mode == "none";
    }
    bool bar() const { return bar_; }
    void line(const std::string& s) {
        if (none_) return;
        if (bar_) out_ << "\r\033[K";
        out_ << s << std::endl;
    }
    void update(int64_t step, double loss, double steps_per_s) {
        if (!bar_ || seconds_since(last_) < 0.2) return;
        last_ = Clock::now();
        const int width = 30;
        int filled = static_cast<int>(width * step / std::max<int64_t>(1, total_));
        double eta = steps_per_s > 0 ? (total_ - step) / steps_per_s : 0;
        out_ << "\r\033[K" << std::setw(7) << step << "/" << total_ << " [" << std::string(filled, '#')
             << std::string(width - filled, '.') << "] loss " << fmt(loss, 5) << "  " << fmt(steps_per_s, 4)
             << " steps/s  eta " << static_cast<int64_t>(eta) << "s" << std::flush;
    }
    void done() {
        if (bar_) out_ << "\r\033[K" << std::flush;
    }

private:
    std::ostream& out_;
    int64_t total_;
    bool bar_ = false, none_ = false;
    Clock::time_point last_ = Clock::now() - std::chrono::seconds(1);
};

struct RunState {
    RunPaths paths;
    io::CsvTable train_csv, metrics_csv;
    std::map<std::string, std::pair<double, int64_t>> best;  // key -> (best value, step)
    std::map<std::string, double> final_metrics;
    double train_seconds = 0;  // time inside training steps, all sessions
    double wall_seconds = 0;   // whole-run wall time, all sessions
    int64_t steps_timed = 0;
    int64_t skipped_steps = 0;  // steps whose update was skipped (train.nonfinite=skip)
};

void record_metrics(RunState& st, int64_t step, const std::string& phase,
                    const std::vector<std::pair<std::string, metrics::MetricResult>>& results) {
    for (const auto& [metric, res] : results) {
        for (const auto& [key, value] : res) {
            st.metrics_csv.add_row({std::to_string(step), phase, metric, key, io::format_double(value)});
            if (phase == "during") {
                auto it = st.best.find(key);
                if (std::isfinite(value) && (it == st.best.end() || value > it->second.first)) st.best[key] = {value, step};
            } else {
                st.final_metrics[key] = value;
            }
        }
    }
    st.metrics_csv.save(st.paths.metrics_csv());
}

std::string versions_string() {
    return std::string("disent-run ") + DISENT_VERSION + ", LibTorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
           std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
}

void write_summary(const RunState& st, const Experiment& e, const std::string& status, int64_t step,
                   const std::string& error = "") {
    nlohmann::json j;
    j["status"] = status;
    if (!error.empty()) j["error"] = error;
    j["skipped_nonfinite_steps"] = st.skipped_steps;
    j["step"] = step;
    j["steps"] = e.cfg.section("train").get_int("steps");
    j["framework"] = e.cfg.component("framework");
    j["dataset"] = e.cfg.component("dataset");
    j["device"] = e.device.str();
    j["seed"] = e.seed;
    j["wall_time_s"] = st.wall_seconds;
    j["train_time_s"] = st.train_seconds;
    j["steps_per_s"] = st.train_seconds > 0 ? st.steps_timed / st.train_seconds : 0.0;
    j["final_metrics"] = nlohmann::json::object();
    for (const auto& [k, v] : st.final_metrics) j["final_metrics"][k] = v;
    j["best_metrics"] = nlohmann::json::object();
    for (const auto& [k, v] : st.best) j["best_metrics"][k] = {{"value", v.first}, {"step", v.second}};
    j["versions"] = {{"disent_run", DISENT_VERSION},
                     {"libtorch", std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                                      std::to_string(TORCH_VERSION_PATCH)}};
    io::write_json_atomic(st.paths.summary(), j);
}

void checkpoint(RunState& st, Experiment& e, int64_t step) {
    CheckpointInfo info;
    info.step = step;
    info.config_yaml = e.cfg.to_yaml();
    info.version = DISENT_VERSION;
    save_checkpoint(st.paths.last_checkpoint(), *e.framework, *e.optimizer, info);
}

// Drops rows written after the checkpoint we resume from (they will be recomputed identically).
void truncate_after(io::CsvTable& t, int64_t step) {
    std::vector<std::vector<std::string>> kept;
    for (auto& r : t.rows)
        if (!r.empty() && std::stoll(r[0]) <= step) kept.push_back(r);
    t.rows = std::move(kept);
}

TrainResult run_loop(Experiment& e, RunState& st, int64_t start_step, const TrainOptions& opts) {
    std::ostream& out = opts.out ? *opts.out : std::cout;
    const Params& tr = e.cfg.section("train");
    const Params& mc = e.cfg.section("metrics");
    const int64_t steps = tr.get_int("steps"), batch = tr.get_int("batch_size");
    const int64_t log_every = tr.get_int("log_every"), ckpt_every = tr.get_int("checkpoint_every");
    const int64_t metric_every = mc.get_int("every");
    const auto during = mc.get_string_list("during");
    const int num_obs = e.sampler->num_obs();
    const auto term_names = e.framework->term_names();

    Progress progress(out, opts.progress, steps);
    progress.line("[run] " + st.paths.root + " | " + e.cfg.component("framework") + " on " + e.cfg.component("dataset") +
                  " | device " + e.device.str() + " | " + versions_string() +
                  (start_step ? " | resuming at step " + std::to_string(start_step) : ""));

    IndexStream stream(e.dataset->states().size(), derive_seed(e.seed, 2));
    const StepOptions step_opts = StepOptions::from(tr);
    std::unique_ptr<StepRunner> runner = make_step_runner(e, step_opts, batch, log_every);
    progress.line("[run] step runner: " + runner->describe() + " | " + e.threads);
    // train.nonfinite=stop: a NaN/Inf loss term ends the run before anything is written from the bad
    // weights (no checkpoint, no metrics), naming the step and the term.
    auto fail_if_nonfinite = [&](const IntervalStats& is, int64_t done) {
        if (step_opts.skip_nonfinite || is.first_nonfinite < 0) return;
        const int64_t bad_step = done - is.steps + 1 + is.first_nonfinite;
        const std::string term = is.nonfinite_term == 0 ? "loss" : term_names[is.nonfinite_term - 1];
        const bool have_ckpt = std::filesystem::exists(st.paths.last_checkpoint());
        const std::string msg = "non-finite " + term + " (" + fmt(is.nonfinite_value) + ") at step " + std::to_string(bad_step) +
                                "; the run stopped without writing from the bad weights; " +
                                (have_ckpt ? "the last good checkpoint is " + st.paths.last_checkpoint() + " (step " +
                                                 std::to_string(read_checkpoint_info(st.paths.last_checkpoint()).step) + ")"
                                           : std::string("no checkpoint was written yet")) +
                                "; to skip such steps instead use train.nonfinite=skip";
        write_summary(st, e, "failed", done - is.steps, msg);
        throw std::runtime_error(msg);
    };
    SignalScope signals;
    Interval iv;
    const auto session_start = Clock::now();
    const double wall_before = st.wall_seconds;
    e.framework->model()->train();

    for (int64_t step = start_step; step < steps; ++step) {
        // schedules (spec §9): each key from its configured v0 at this step (a resumed run gets the same values)
        for (const auto& s : e.schedules) e.framework->set_param(s.param, s.value(step));
        auto t0 = Clock::now();
        // data: anchors from the epoch permutation, the rest from the sampler's per-step stream
        std::vector<int64_t> anchors = stream.batch(step, batch);
        std::vector<std::vector<int64_t>> obs(num_obs, std::vector<int64_t>(batch));
        Rng srng(derive_seed(e.seed, 3 + static_cast<uint64_t>(step) * 7919));
        std::vector<int64_t> tuple(num_obs);
        for (int64_t b = 0; b < batch; ++b) {
            e.sampler->sample(anchors[b], srng, tuple.data());
            for (int o = 0; o < num_obs; ++o) obs[o][b] = tuple[o];
        }
        iv.phases.data_s += seconds_since(t0);
        runner->run(step, obs, iv.phases);
        iv.steps++;
        iv.step_s += seconds_since(t0);
        const int64_t done = step + 1;

        if (done % log_every == 0 || done == steps) {
            auto t_sync = Clock::now();
            const IntervalStats is = runner->take();  // the interval's only device read
            iv.step_s += seconds_since(t_sync);
            fail_if_nonfinite(is, done);
            st.skipped_steps += is.nonfinite_steps;
            const double* m = is.means.data();
            const double sps = iv.steps / std::max(iv.step_s, 1e-9);
            st.train_seconds += iv.step_s;
            st.steps_timed += iv.steps;
            std::vector<std::string> row{std::to_string(done), io::format_double(m[0])};
            std::ostringstream line;
            line << "[train] step=" << done << "/" << steps << " loss=" << fmt(m[0]);
            for (size_t i = 0; i < term_names.size(); ++i) {
                row.push_back(io::format_double(m[i + 1]));
                line << " " << term_names[i] << "=" << fmt(m[i + 1]);
            }
            // the value the interval's last step used (as the framework holds it: ints stay ints)
            std::vector<std::string> scheduled;
            for (const auto& s : e.schedules) {
                const double v = e.framework->param(s.param);
                scheduled.push_back(io::format_double(v));
                line << " scheduled/" << s.key << "=" << fmt(v);
            }
            row.push_back(io::format_double(sps));
            line << " steps/s=" << fmt(sps, 4) << " img/s=" << fmt(sps * batch * num_obs, 4);
            if (st.skipped_steps) line << " skipped_nonfinite=" << st.skipped_steps;
            const double phase_s[4] = {iv.phases.data_s, iv.phases.forward_s, iv.phases.backward_s, iv.phases.optimizer_s};
            for (int i = 0; i < 4; ++i) {
                const double ms = 1000.0 * phase_s[i] / iv.steps;
                row.push_back(io::format_double(ms));
                line << " " << kPhases[i] << "=" << fmt(ms, 4);
            }
            row.insert(row.end(), scheduled.begin(), scheduled.end());
            st.train_csv.add_row(row);
            st.train_csv.save(st.paths.train_csv());
            if (progress.bar()) progress.update(done, m[0], sps);
            else progress.line(line.str());
            iv.reset();
        }
        const int sig = g_stop_signal.load();
        const bool stop = sig != 0 || done == opts.stop_after;
        const bool want_metrics = metric_every > 0 && done % metric_every == 0 && !during.empty();
        const bool want_ckpt = (ckpt_every > 0 && done % ckpt_every == 0) || stop || done == steps;
        if (want_metrics || want_ckpt) fail_if_nonfinite(runner->peek(), done);
        if (want_metrics) {
            e.framework->model()->eval();
            auto t = Clock::now();
            auto res = run_metrics(e, during, mc.get_string("during_preset"), derive_seed(e.seed, 5 + static_cast<uint64_t>(done)));
            record_metrics(st, done, "during", res);
            std::ostringstream line;
            line << "[metrics] step=" << done;
            for (const auto& [_, r] : res)
                for (const auto& [k, v] : r) line << " " << k << "=" << fmt(v, 4);
            line << " time_s=" << fmt(seconds_since(t), 3);
            progress.line(line.str());
            e.framework->model()->train();
        }
        if (want_ckpt) {
            checkpoint(st, e, done);
            st.train_csv.save(st.paths.train_csv());
            st.metrics_csv.save(st.paths.metrics_csv());
        }
        if (stop && done < steps) {
            st.wall_seconds = wall_before + seconds_since(session_start);
            write_summary(st, e, "interrupted", done);
            progress.done();
            progress.line("[run] stopped at step " + std::to_string(done) + (sig ? " by signal " + std::to_string(sig) : "") +
                          "; checkpoint written; continue with: disent-run resume " + st.paths.root);
            return {TrainStatus::Interrupted, done, st.paths.root};
        }
    }
    progress.done();

    // final metrics and pictures
    e.framework->model()->eval();
    const auto final_names = mc.get_string_list("final");
    if (!final_names.empty()) {
        auto t = Clock::now();
        auto res = run_metrics(e, final_names, mc.get_string("final_preset"), derive_seed(e.seed, 4));
        record_metrics(st, steps, "final", res);
        std::ostringstream line;
        line << "[final]";
        for (const auto& [_, r] : res)
            for (const auto& [k, v] : r) line << " " << k << "=" << fmt(v, 4);
        line << " time_s=" << fmt(seconds_since(t), 3);
        progress.line(line.str());
    }
    io::write_png(st.paths.traversals_png(), latent_traversal_grid(e));
    st.wall_seconds = wall_before + seconds_since(session_start);
    write_summary(st, e, "finished", steps);
    progress.line("[done] " + std::to_string(steps) + " steps in " + fmt(st.wall_seconds, 4) + " s; results in " + st.paths.root +
                  " (summary.json, train.csv, metrics.csv, images/traversals.png, checkpoints/last.pt)");
    return {TrainStatus::Finished, steps, st.paths.root};
}

std::vector<std::string> train_header(const Experiment& e) {
    std::vector<std::string> h{"step", "loss"};
    for (const auto& t : e.framework->term_names()) h.push_back(t);
    h.push_back("steps_per_s");
    for (const char* p : kPhases) h.push_back(p);
    for (const auto& s : e.schedules) h.push_back("scheduled/" + s.key);
    return h;
}

const std::vector<std::string> kMetricsHeader = {"step", "phase", "metric", "key", "value"};

}  // namespace

void request_stop(int signal_number) { g_stop_signal.store(signal_number); }

TrainResult train_new(const config::ResolvedConfig& cfg, const TrainOptions& opts) {
    RunState st;
    st.paths.root = opts.run_dir.empty() ? default_run_dir(cfg.component("framework"), cfg.component("dataset")) : opts.run_dir;
    Experiment e = build_experiment(cfg);  // validates everything before the directory is touched
    RunLock lock(st.paths.root);
    prepare_new_run_dir(st.paths, opts.overwrite);
    io::write_file_atomic(st.paths.config(), "# resolved by disent-run " DISENT_VERSION " from " + cfg.source + "\n" + cfg.to_yaml());
    st.train_csv.header = train_header(e);
    st.metrics_csv.header = kMetricsHeader;
    return run_loop(e, st, 0, opts);
}

TrainResult resume_run(const config::Catalog& catalog, const TrainOptions& opts) {
    RunState st;
    st.paths.root = opts.run_dir;
    if (!std::filesystem::exists(st.paths.config()))
        throw UserError("'" + opts.run_dir + "' is not a run directory (no config.yaml)");
    config::ResolvedConfig cfg = config::resolve_file(st.paths.config(), {}, catalog);
    Experiment e = build_experiment(cfg);
    RunLock lock(st.paths.root);
    CheckpointInfo info;  // step 0: a run stopped before its first checkpoint starts again from the beginning
    if (std::filesystem::exists(st.paths.last_checkpoint()))
        info = load_checkpoint(st.paths.last_checkpoint(), *e.framework, *e.optimizer);
    else
        (opts.out ? *opts.out : std::cout) << "[run] " << st.paths.root << " has no checkpoint yet: starting from step 0\n";
    st.train_csv = std::filesystem::exists(st.paths.train_csv()) ? io::CsvTable::load(st.paths.train_csv()) : io::CsvTable{};
    if (st.train_csv.header.empty()) st.train_csv.header = train_header(e);
    st.metrics_csv = std::filesystem::exists(st.paths.metrics_csv()) ? io::CsvTable::load(st.paths.metrics_csv()) : io::CsvTable{};
    if (st.metrics_csv.header.empty()) st.metrics_csv.header = kMetricsHeader;
    truncate_after(st.train_csv, info.step);
    truncate_after(st.metrics_csv, info.step);
    for (const auto& r : st.metrics_csv.rows) {
        if (r.size() < 5 || r[1] != "during") continue;
        const double v = std::stod(r[4]);
        auto it = st.best.find(r[3]);
        if (std::isfinite(v) && (it == st.best.end() || v > it->second.first)) st.best[r[3]] = {v, std::stoll(r[0])};
    }
    if (std::filesystem::exists(st.paths.summary())) {
        auto j = io::read_json(st.paths.summary());
        st.wall_seconds = j.value("wall_time_s", 0.0);
        st.skipped_steps = j.value("skipped_nonfinite_steps", int64_t{0});
    }
    const int64_t steps = cfg.section("train").get_int("steps");
    if (info.step >= steps && std::filesystem::exists(st.paths.summary()) &&
        io::read_json(st.paths.summary()).value("status", "") == "finished") {
        (opts.out ? *opts.out : std::cout) << "[run] " << st.paths.root << " already finished (" << steps << " steps)\n";
        return {TrainStatus::Finished, steps, st.paths.root};
    }
    return run_loop(e, st, info.step, opts);
}

}  // namespace disent::train
