// `disent-run sweep plan|run|submit|status|aggregate`: grid/zip/repeat sweeps over an experiment spec,
// run locally or as a SLURM job array with checkpoint + requeue on preemption (docs/cli.md, docs/reproduce.md).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "config/spec.hpp"
#include "core/error.hpp"
#include "core/printable.hpp"
#include "io/atomic_file.hpp"
#include "io/json_file.hpp"
#include "sweep/sweep_dir.hpp"
#include "sweep/sweep_spec.hpp"
#include "train/builtins.hpp"
#include "train/run_dir.hpp"
#include "train/trainer.hpp"

namespace disent::cli {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kProgress = {"auto", "bar", "lines", "none"};

// Writes everything to two streams (the terminal and the run's log file).
class TeeBuf : public std::streambuf {
public:
    TeeBuf(std::streambuf* a, std::streambuf* b) : a_(a), b_(b) {}

protected:
    int overflow(int c) override {
        if (c == EOF) return !EOF;
        const int r1 = a_->sputc(static_cast<char>(c)), r2 = b_->sputc(static_cast<char>(c));
        return (r1 == EOF || r2 == EOF) ? EOF : c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        a_->sputn(s, n);
        return b_->sputn(s, n);
    }
    int sync() override { return (a_->pubsync() | b_->pubsync()) == 0 ? 0 : -1; }

private:
    std::streambuf *a_, *b_;
};

std::string self_exe() {
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("cannot find the disent-run binary (/proc/self/exe)");
    return p.string();
}

struct Loaded {
    sweep::SweepSpec spec;
    std::vector<sweep::PlannedRun> runs;
    config::Catalog catalog;
};

Loaded load(const std::string& file, const std::string& out_override) {
    Loaded l;
    l.spec = sweep::load_sweep(file);
    if (!out_override.empty()) l.spec.out = out_override;
    l.catalog = train::build_catalog();
    l.runs = sweep::plan_runs(l.spec, sweep::base_seed(l.spec, l.catalog));
    return l;
}

std::string join_overrides(const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string s;
    for (const auto& [k, v] : kv) s += (s.empty() ? "" : " ") + k + "=" + v;
    return s;
}

// --- sweep run ------------------------------------------------------------------------------------

// The trainer catches SIGUSR1/SIGTERM/SIGINT only inside its step loop. A signal that arrives while the
// experiment is being built (dataset, model) would otherwise kill the task without the exit code 3 that
// makes the SLURM script requeue it: catch it here and keep asking the trainer to stop, so that it
// checkpoints after its first step and exits 3.
std::atomic<int> g_early_signal{0};
extern "C" void on_early_signal(int sig) { g_early_signal.store(sig); }

class EarlySignals {
public:
    EarlySignals() {
        g_early_signal.store(0);
        struct sigaction sa{};
        sa.sa_handler = on_early_signal;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 3; ++i) sigaction(kSigs[i], &sa, &old_[i]);
        thread_ = std::thread([this] {
            while (!done_.load()) {
                if (const int sig = g_early_signal.load()) train::request_stop(sig);
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
    }
    ~EarlySignals() {
        done_.store(true);
        thread_.join();
        for (int i = 0; i < 3; ++i) sigaction(kSigs[i], &old_[i], nullptr);
    }

private:
    static constexpr int kSigs[3] = {SIGUSR1, SIGTERM, SIGINT};
    struct sigaction old_[3];
    std::atomic<bool> done_{false};
    std::thread thread_;
};

int run_one(const Loaded& l, const sweep::PlannedRun& run, const std::string& progress, std::ostream& out) {
    const std::string root = l.spec.out;
    const sweep::SweepRecord rec = sweep::make_record(l.spec, {run});
    const sweep::RecordedRun& rr = rec.runs.front();
    const std::string run_dir = root + "/" + rr.dir;
    io::make_dirs(root + "/logs");
    io::check_write_path(sweep::run_log_path(root, rr));  // appended to: a planted link must not redirect it
    std::ofstream log(sweep::run_log_path(root, rr), std::ios::app);
    TeeBuf tee(out.rdbuf(), log.rdbuf());
    std::ostream tout(&tee);
    auto finish = [&](int code) {
        tout.flush();
        io::write_file_atomic(sweep::run_exit_path(root, rr), std::to_string(code) + "\n");
        return code;
    };
    std::time_t now = std::time(nullptr);
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    tout << "[sweep] " << ts << " run " << run.index << " (" << run.name << "): " << join_overrides(run.swept) << "\n";
    train::RunPaths paths{run_dir};
    if (fs::exists(paths.summary())) {
        try {
            if (io::read_json(paths.summary()).value("status", "") == "finished") {
                tout << "[sweep] run " << run.index << " already finished; nothing to do (" << run_dir << ")\n";
                return finish(0);
            }
        } catch (const UserError&) {
        }
    }
    train::TrainOptions o;
    o.run_dir = run_dir;
    o.progress = progress;
    o.out = &tout;
    try {
        train::TrainResult r;
        if (fs::exists(paths.last_checkpoint())) {
            tout << "[sweep] resuming run " << run.index << " from " << paths.last_checkpoint() << "\n";
            r = train::resume_run(l.catalog, o);
        } else {
            auto cfg = config::resolve_file(l.spec.base, sweep::run_overrides(l.spec, run), l.catalog);
            o.overwrite = true;  // a directory without a checkpoint holds nothing worth keeping
            r = train::train_new(cfg, o);
        }
        return finish(r.status == train::TrainStatus::Finished ? 0 : EXIT_INTERRUPTED);
    } catch (const UserError& e) {
        tout << "error: " << l.spec.file << ": run " << run.index << " (" << run.name << "): " << e.what() << "\n";
        finish(EXIT_USER_ERROR);
        throw;
    } catch (const std::exception& e) {
        tout << "error: run " << run.index << " (" << run.name << "): " << e.what() << "\n";
        finish(EXIT_FAILURE_CODE);
        throw;
    }
}

// Runs `argv` (found on PATH) with no shell in between, its stdout and stderr read into `text`; returns
// its exit code (127: it could not be started).
int run_capture(const std::vector<std::string>& args, std::string& text) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("cannot run " + args[0] + ": pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("cannot run " + args[0] + ": fork failed");
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv.data());
        static const char msg[] = "cannot be started (not found on PATH, or not executable)\n";
        (void)!write(1, msg, sizeof msg - 1);
        _exit(127);
    }
    close(fds[1]);
    char buf[256];
    for (;;) {
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::atomic<int> g_forward_signal{0};
extern "C" void on_forward_signal(int sig) { g_forward_signal.store(sig); }

// Runs several indices as child processes of this binary; forwards USR1/TERM/INT to them.
int run_children(const Loaded& l, const std::vector<int64_t>& indices, const std::string& file, const std::string& progress,
                 std::ostream& out) {
    const std::string bin = self_exe();
    std::vector<pid_t> pids;
    struct sigaction sa{}, old[3];
    sa.sa_handler = on_forward_signal;
    sigemptyset(&sa.sa_mask);
    const int sigs[3] = {SIGUSR1, SIGTERM, SIGINT};
    g_forward_signal.store(0);
    for (int i = 0; i < 3; ++i) sigaction(sigs[i], &sa, &old[i]);
    out.flush();
    // absolute paths: an argument can never be taken for an option (a file named "-x"), and no shell
    // is involved (execv with an argument vector)
    const std::string abs_file = fs::absolute(file).lexically_normal().string();
    const std::string abs_out = fs::absolute(l.spec.out).lexically_normal().string();
    for (int64_t idx : indices) {
        std::vector<std::string> args = {bin, "sweep", "run", abs_file, "--out", abs_out, "--index", std::to_string(idx),
                                         "--runs-per-task", "1", "--progress", progress};
        std::vector<char*> argv;  // built before fork: the child only calls async-signal-safe functions
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            for (int i = 0; i < 3; ++i) sigaction(sigs[i], &old[i], nullptr);
            execv(bin.c_str(), argv.data());
            _exit(127);
        }
        pids.push_back(pid);
        out << "[sweep] started run " << idx << " as pid " << pid << "\n";
    }
    out.flush();
    int result = 0, forwarded = 0;
    size_t live = pids.size();
    std::vector<int> codes(pids.size(), -1);
    if (const int early = g_early_signal.load()) g_forward_signal.store(early);  // arrived before the children started
    auto forward = [&] {
        const int sig = g_forward_signal.load();
        if (sig != 0 && sig != forwarded) {
            for (size_t i = 0; i < pids.size(); ++i)
                if (codes[i] < 0) kill(pids[i], sig);
            forwarded = sig;
        }
    };
    forward();
    while (live > 0) {
        int status = 0;
        pid_t p = waitpid(-1, &status, 0);
        forward();
        if (p < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < pids.size(); ++i)
            if (pids[i] == p) {
                codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                out << "[sweep] run " << indices[i] << " exited with code " << codes[i] << "\n";
                --live;
            }
    }
    for (int i = 0; i < 3; ++i) sigaction(sigs[i], &old[i], nullptr);
    for (int c : codes)
        if (c == EXIT_INTERRUPTED) result = EXIT_INTERRUPTED;
    if (result == 0)
        for (int c : codes)
            if (c != 0) {
                result = c == EXIT_USER_ERROR ? EXIT_USER_ERROR : EXIT_FAILURE_CODE;
                break;
            }
    return result;
}

class SweepCommand : public Command {
public:
    void attach(CLI::App& app) override {
        sub_ = app.add_subcommand("sweep", "sweeps over an experiment spec: plan, run, submit (SLURM), status, aggregate");
        sub_->require_subcommand(1);

        plan_ = sub_->add_subcommand("plan", "list the runs of a sweep file (index, name, overrides) and their count");
        plan_->add_option("sweep", file_, "sweep file (YAML)")->required();

        run_ = sub_->add_subcommand("run", "run one sweep entry (or --runs-per-task K entries) locally or in a SLURM task");
        run_->add_option("sweep", file_, "sweep file (YAML)")->required();
        run_->add_option("--index", index_, "task index (default $SLURM_ARRAY_TASK_ID); runs I*K .. I*K+K-1");
        run_->add_option("--runs-per-task", runs_per_task_, "K runs per task, run concurrently (default: the file's runs_per_task)");
        run_->add_option("--out", out_dir_, "sweep directory (default: the file's out:, else sweeps/<name>)");
        run_->add_option("--progress", progress_, "auto, bar, lines (default) or none")->check(CLI::IsMember(kProgress));

        submit_ = sub_->add_subcommand("submit", "write the sbatch array script and submit it (sbatch)");
        submit_->add_option("sweep", file_, "sweep file (YAML)")->required();
        submit_->add_flag("--dry-run", dry_run_, "print the script, submit nothing");
        submit_->add_option("--out", out_dir_, "sweep directory (default: the file's out:, else sweeps/<name>)");
        submit_->add_option("--partition", partition_, "SLURM partition");
        submit_->add_option("--account", account_, "SLURM account to charge");
        submit_->add_option("--qos", qos_, "SLURM quality of service");
        submit_->add_option("--time", time_, "time limit per task (e.g. 04:00:00)");
        submit_->add_option("--cpus", cpus_, "CPUs per task")->check(CLI::Range(0, INT_MAX));
        submit_->add_option("--gpus", gpus_, "GPUs per task (--gres=gpu:N)")->check(CLI::Range(0, INT_MAX));
        submit_->add_option("--mem", mem_, "memory per task (e.g. 16G)");
        submit_->add_option("--max-parallel", max_parallel_, "at most N tasks at once (%N)")->check(CLI::Range(0, INT_MAX));
        submit_->add_option("--extra", extra_, "one extra sbatch option per use, e.g. --extra '--exclude=node1'");
        submit_->add_option("--runs-per-task", runs_per_task_, "K runs per array task");

        status_ = sub_->add_subcommand("status", "done / running / failed / interrupted / pending per run of a sweep directory");
        status_->add_option("dir", dir_, "sweep directory")->required();
        status_->add_flag("--all", all_, "list finished runs too");

        aggregate_ = sub_->add_subcommand("aggregate", "tables (CSV + Markdown) and box plots of a sweep's results");
        aggregate_->add_option("dir", dir_, "sweep directory")->required();
        aggregate_->add_option("--by", by_, "group by these swept keys (comma-separated; default all but the seed)")->delimiter(',');
        aggregate_->add_option("--out", out_dir_, "output directory (default DIR/aggregate)");
    }

    int run(std::ostream& out, std::ostream& err) override {
        if (plan_->parsed()) return plan(out);
        if (run_->parsed()) return run_sweep(out);
        if (submit_->parsed()) return submit(out, err);
        if (status_->parsed()) {
            out << sweep::status_report(dir_, sweep::read_record(dir_), all_);
            return 0;
        }
        if (aggregate_->parsed()) {
            io::WriteRoot root(dir_);  // writes below the sweep directory never follow a planted link
            sweep::AggregateOptions o;
            o.by = by_;
            o.out_dir = out_dir_;
            auto r = sweep::aggregate(dir_, sweep::read_record(dir_), o);
            out << r.summary_markdown << "\n" << r.rows << " runs in " << r.groups << " groups; wrote:\n";
            for (const auto& f : r.files) out << "  " << f << "\n";
            return 0;
        }
        return EXIT_USER_ERROR;
    }

private:
    int plan(std::ostream& out) {
        Loaded l = load(file_, "");
        auto notes = sweep::validate_runs(l.spec, l.runs, l.catalog, /*strict=*/false);
        out << "sweep " << l.spec.name << ": base " << l.spec.base << ", out " << l.spec.out << "\n";
        out << "index\tname\toverrides\n";
        for (const auto& r : l.runs) out << r.index << "\t" << r.name << "\t" << join_overrides(r.swept) << "\n";
        if (!notes.empty())
            out << notes.size() << " runs use datasets not registered in this build (not validated; `sweep run` needs their data), e.g. "
                << notes.front() << "\n";
        out << l.runs.size() << " runs\n";
        return 0;
    }

    int run_sweep(std::ostream& out) {
        EarlySignals early;  // from here on a stop signal ends in a checkpoint and exit code 3
        Loaded l = load(file_, out_dir_);
        io::WriteRoot root(l.spec.out);  // writes below the sweep directory never follow a planted link
        int64_t index = index_;
        if (index < 0) {
            const char* env = std::getenv("SLURM_ARRAY_TASK_ID");
            if (!env) throw UserError("sweep run: give --index I (or run inside a SLURM array task: $SLURM_ARRAY_TASK_ID)");
            try {
                size_t used = 0;
                index = std::stoll(env, &used);
                if (used != std::string(env).size()) throw std::invalid_argument(env);  // "5abc" is not 5
            } catch (const std::exception&) {
                throw UserError("SLURM_ARRAY_TASK_ID='" + printable(env) + "' is not an index");
            }
        }
        const int k = runs_per_task_ > 0 ? runs_per_task_ : l.spec.runs_per_task;
        const int64_t n = static_cast<int64_t>(l.runs.size());
        const int64_t tasks = (n + k - 1) / k;
        if (index < 0 || index >= tasks)
            throw UserError("sweep run: index " + std::to_string(index) + " is outside [0, " + std::to_string(tasks) + ") (" +
                            std::to_string(n) + " runs, " + std::to_string(k) + " per task)");
        std::vector<int64_t> indices;
        for (int64_t i = index * k; i < std::min(n, index * k + k); ++i) indices.push_back(i);
        std::vector<sweep::PlannedRun> mine;
        for (int64_t i : indices) mine.push_back(l.runs[static_cast<size_t>(i)]);
        sweep::write_record(l.spec.out, sweep::make_record(l.spec, l.runs));
        if (indices.size() == 1) return run_one(l, mine.front(), progress_, out);
        sweep::validate_runs(l.spec, mine, l.catalog, /*strict=*/true);
        return run_children(l, indices, file_, progress_, out);
    }

    int submit(std::ostream& out, std::ostream& err) {
        Loaded l = load(file_, out_dir_);
        // command-line values go into the script too: each is checked against its grammar, by option name
        auto option = [](const std::string& opt, const std::string& key, const std::string& value) {
            if (const std::string why = sweep::slurm_value_problem(key, value); !why.empty())
                throw UserError("sweep submit: " + opt + " is '" + printable(value) + "'; expected " + why);
            return value;
        };
        const std::string out_origin = !out_dir_.empty()         ? std::string("sweep submit: --out")
                                       : !l.spec.out_where.empty() ? l.spec.out_where + ": 'out'"
                                                                   : l.spec.file + ": the default out sweeps/<name>";
        const std::string abs_out = fs::absolute(l.spec.out).lexically_normal().string();
        if (const std::string why = sweep::script_path_problem(abs_out, /*in_sbatch_line=*/true); !why.empty())
            throw UserError(out_origin + " '" + printable(abs_out) + "' cannot be the sweep directory of a SLURM job; expected " + why);
        const std::string abs_file = fs::absolute(l.spec.file).lexically_normal().string();
        if (const std::string why = sweep::script_path_problem(abs_file, false); !why.empty())
            throw UserError("sweep submit: the sweep file '" + printable(abs_file) + "' cannot go into the script; expected " + why);
        const std::string workdir = fs::current_path().string();
        if (const std::string why = sweep::script_path_problem(workdir, false); !why.empty())
            throw UserError("sweep submit: the current directory '" + printable(workdir) + "' cannot go into the script; expected " + why);
        sweep::validate_runs(l.spec, l.runs, l.catalog, /*strict=*/true);
        sweep::ScriptOptions o;
        o.slurm = l.spec.slurm;
        if (!partition_.empty()) o.slurm.partition = option("--partition", "partition", partition_);
        if (!account_.empty()) o.slurm.account = option("--account", "account", account_);
        if (!qos_.empty()) o.slurm.qos = option("--qos", "qos", qos_);
        if (!time_.empty()) o.slurm.time = option("--time", "time", time_);
        if (cpus_ >= 0) o.slurm.cpus = cpus_;
        if (gpus_ >= 0) o.slurm.gpus = gpus_;
        if (!mem_.empty()) o.slurm.mem = option("--mem", "mem", mem_);
        if (max_parallel_ >= 0) o.slurm.max_parallel = max_parallel_;
        for (const auto& e : extra_) o.slurm.extra.push_back(option("--extra", "extra", e));
        o.runs_per_task = runs_per_task_ > 0 ? runs_per_task_ : l.spec.runs_per_task;
        const int64_t n = static_cast<int64_t>(l.runs.size());
        o.tasks = (n + o.runs_per_task - 1) / o.runs_per_task;
        o.job_name = l.spec.name;
        o.binary = self_exe();
        o.sweep_file = abs_file;
        o.out = abs_out;
        o.workdir = workdir;
        const std::string script = sweep::sbatch_script(o);
        if (dry_run_) {
            out << script;
            return 0;
        }
        io::WriteRoot root(l.spec.out);  // writes below the sweep directory never follow a planted link
        sweep::write_record(l.spec.out, sweep::make_record(l.spec, l.runs));
        io::make_dirs(l.spec.out + "/slurm");
        const std::string path = o.out + "/slurm/submit.sbatch";
        io::write_file_atomic(path, script);
        fs::permissions(path, fs::perms::owner_exec, fs::perm_options::add);
        std::string text;
        const int rc = run_capture({"sbatch", "--parsable", path}, text);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        if (rc != 0) {
            err << "error: sbatch failed (" << path << "): " << text << "\n";
            return EXIT_FAILURE_CODE;
        }
        std::string job = text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
        job = job.substr(0, job.find(';'));
        io::check_write_path(o.out + "/slurm/jobs.txt");
        std::ofstream(o.out + "/slurm/jobs.txt", std::ios::app) << job << "\t" << std::time(nullptr) << "\t" << o.tasks << "\n";
        out << "submitted job " << job << ": " << n << " runs as " << o.tasks << " array tasks (" << path
            << "); follow with: disent-run sweep status " << l.spec.out << "\n";
        return 0;
    }

    CLI::App *plan_ = nullptr, *run_ = nullptr, *submit_ = nullptr, *status_ = nullptr, *aggregate_ = nullptr;
    std::string file_, out_dir_, dir_, progress_ = "lines", partition_, account_, qos_, time_, mem_;
    int64_t index_ = -1;
    int runs_per_task_ = 0, cpus_ = -1, gpus_ = -1, max_parallel_ = -1;
    bool dry_run_ = false, all_ = false;
    std::vector<std::string> extra_, by_;
};

}  // namespace

std::unique_ptr<Command> make_sweep_command() { return std::make_unique<SweepCommand>(); }

}  // namespace disent::cli
