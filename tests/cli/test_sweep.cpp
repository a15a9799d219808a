// `disent-run sweep ...`: in-process for plan/run/status/aggregate/submit --dry-run, and a real process for
// --runs-per-task (children are exec'd copies of the binary) and signal propagation (exit code 3).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/cli.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "config/spec.hpp"
#include "cli_runner.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"
#include "train/trainer.hpp"

using namespace disent;
using disent::testing::source_path;
using disent::testing::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr auto& cli_run = disent::testing::run_cli_captured;

size_t count_runs_line(const std::string& out, const std::string& n) { return out.find("\n" + n + " runs\n"); }

// A two-run sweep of a few steps each.
void write_tiny(const TempDir& d, int steps = 4, const std::string& extra = "") {
    std::ofstream(d / "base.yaml") << "seed: 0\ndevice: cpu\ndataset:\n  name: xysquares_minimal\n"
                                      "framework:\n  name: beta_vae\n  beta: 0.001\nmodel:\n  name: conv64\n  z_size: 4\n"
                                      "train:\n  steps: " << steps << "\n  batch_size: 2\n  log_every: 1\n  checkpoint_every: 2\n"
                                      "metrics:\n  during: [mig]\n  every: 2\n  during_preset: fast\n  final: []\n";
    std::ofstream(d / "sweep.yaml") << "name: tiny\nbase: base.yaml\nout: " << d.path() << "/out\n"
                                    << "grid:\n  framework.beta: [0.001, 0.01]\n" << extra;
}

std::string bin() { return std::string(DISENT_BINARY_DIR) + "/disent-run"; }

}  // namespace

TEST(CliSweep, PlanListsThePaperSweeps) {
    auto r = cli_run({"sweep", "plan", source_path("experiments/paper/fig11.yaml")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(count_runs_line(r.out, "40"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0\tframework=beta_vae_beta=0.0316_recon_loss=mse_seed=0\t"), std::string::npos) << r.out;
    r = cli_run({"sweep", "plan", source_path("experiments/paper/fig9.yaml")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(count_runs_line(r.out, "160"), std::string::npos);
    r = cli_run({"sweep", "plan", source_path("experiments/paper/fig6.yaml")});  // works without dSprites & co. prepared
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(count_runs_line(r.out, "160"), std::string::npos);
}

TEST(CliSweep, BadSweepExitsTwoNamingFileAndRun) {
    TempDir d;
    write_tiny(d, 4, "zip:\n  model.z_sise: [3]\n");
    auto r = cli_run({"sweep", "plan", d / "sweep.yaml"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("sweep.yaml: run 0 (beta=0.001_z_sise=3)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'model.z_size'"), std::string::npos) << r.err;
    r = cli_run({"sweep", "run", d / "sweep.yaml", "--index", "0"});
    EXPECT_EQ(r.code, 2);
    unsetenv("SLURM_ARRAY_TASK_ID");
    write_tiny(d);
    r = cli_run({"sweep", "run", d / "sweep.yaml"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("SLURM_ARRAY_TASK_ID"), std::string::npos) << r.err;
    r = cli_run({"sweep", "run", d / "sweep.yaml", "--index", "2"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("outside [0, 2)"), std::string::npos) << r.err;
    r = cli_run({"sweep", "status", d.path()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("not a sweep directory"), std::string::npos) << r.err;
}

TEST(CliSweep, RunTwiceDoesNoWorkStatusAndAggregate) {
    TempDir d;
    write_tiny(d);
    const std::string out = d / "out";
    auto r = cli_run({"sweep", "run", d / "sweep.yaml", "--index", "0"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const std::string run0 = out + "/runs/0000_beta=0.001";
    auto s = io::read_json(run0 + "/summary.json");
    EXPECT_EQ(s["status"], "finished");
    const auto mtime = fs::last_write_time(run0 + "/train.csv");
    const auto ckpt_mtime = fs::last_write_time(run0 + "/checkpoints/last.pt");
    r = cli_run({"sweep", "run", d / "sweep.yaml", "--index", "0"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("already finished; nothing to do"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("[train]"), std::string::npos) << r.out;
    EXPECT_EQ(fs::last_write_time(run0 + "/train.csv"), mtime);
    EXPECT_EQ(fs::last_write_time(run0 + "/checkpoints/last.pt"), ckpt_mtime);

    r = cli_run({"sweep", "status", out});
    ASSERT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("done 1 / running 0 / failed 0 / interrupted 0 / pending 1"), std::string::npos) << r.out;

    // SLURM_ARRAY_TASK_ID is the default index
    setenv("SLURM_ARRAY_TASK_ID", "1", 1);
    r = cli_run({"sweep", "run", d / "sweep.yaml"});
    unsetenv("SLURM_ARRAY_TASK_ID");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out + "/runs/0001_beta=0.01/summary.json"));
    EXPECT_TRUE(fs::exists(out + "/logs/0001_beta=0.01.log"));

    r = cli_run({"sweep", "status", out});
    EXPECT_NE(r.out.find("done 2 / running 0 / failed 0 / interrupted 0 / pending 0"), std::string::npos) << r.out;
    r = cli_run({"sweep", "aggregate", out});
    ASSERT_EQ(r.code, 0) << r.err;
    auto t = io::CsvTable::load(out + "/aggregate/runs.csv");
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_GE(t.column("framework.beta"), 0);
    EXPECT_GE(t.column("best.mig.discrete_score"), 0);
    EXPECT_TRUE(fs::exists(out + "/aggregate/groups.md"));
    EXPECT_TRUE(fs::exists(out + "/aggregate/best.mig.discrete_score.png"));

    // a failing run: status shows it with its last error line
    fs::remove_all(out + "/runs/0001_beta=0.01");
    std::ofstream(out + "/logs/0001_beta=0.01.exit") << "1\n";
    std::ofstream(out + "/logs/0001_beta=0.01.log", std::ios::app) << "error: run 1 (beta=0.01): non-finite loss in steps 1..2\n";
    r = cli_run({"sweep", "status", out});
    EXPECT_NE(r.out.find("failed 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("last error: error: run 1 (beta=0.01): non-finite loss"), std::string::npos) << r.out;
}

TEST(CliSweep, PartialRunIsResumed) {
    TempDir d;
    write_tiny(d, 6);
    // an interrupted run (as after a preemption): stopped after step 2 with its checkpoint
    const std::string run0 = d / "out/runs/0000_beta=0.001";
    auto catalog = train::build_catalog();
    auto cfg = config::resolve_file(d / "base.yaml", {"framework.beta=0.001"}, catalog);
    train::TrainOptions o;
    o.run_dir = run0;
    o.stop_after = 3;
    o.progress = "none";
    std::ostringstream sink;
    o.out = &sink;
    ASSERT_EQ(train::train_new(cfg, o).status, train::TrainStatus::Interrupted);
    EXPECT_EQ(io::read_json(run0 + "/summary.json")["status"], "interrupted");
    auto r = cli_run({"sweep", "run", d / "sweep.yaml", "--index", "0"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("resuming run 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("resuming at step 3"), std::string::npos) << r.out;
    auto s = io::read_json(run0 + "/summary.json");
    EXPECT_EQ(s["status"], "finished");
    EXPECT_EQ(s["step"], 6);
    auto t = io::CsvTable::load(run0 + "/train.csv");
    ASSERT_EQ(t.rows.size(), 6u);  // log_every 1: the same rows as an uninterrupted run
    for (size_t i = 0; i < t.rows.size(); ++i) EXPECT_EQ(t.rows[i][0], std::to_string(i + 1));
}

TEST(CliSweep, SubmitDryRunPrintsTheArrayScript) {
    auto r = cli_run({"sweep", "submit", source_path("experiments/paper/fig11.yaml"), "--dry-run", "--partition", "gpu",
                      "--runs-per-task", "4", "--max-parallel", "5", "--extra", "--exclude=n1"});
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* line : {"#SBATCH --array=0-9%5\n", "#SBATCH --partition=gpu\n", "#SBATCH --signal=B:USR1@90\n",
                             "#SBATCH --requeue\n", "#SBATCH --gres=gpu:1\n", "#SBATCH --exclude=n1\n", "--runs-per-task 4",
                             "scontrol requeue"})
        EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
    EXPECT_FALSE(fs::exists("sweeps/fig11/slurm/submit.sbatch"));
}

// Real processes: K runs of one task as concurrent children; USR1 to the parent reaches every child,
// each checkpoints, and the task exits 3; the next `sweep run` resumes both and finishes them.
TEST(CliSweepProcess, RunsPerTaskAndSignalPropagation) {
    if (!fs::exists(bin())) GTEST_SKIP() << "binary not built";
    TempDir d;
    write_tiny(d, 100000);
    const std::string log = d / "task.log";
    auto start = [&] {
        pid_t pid = fork();
        if (pid == 0) {
            int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            execl(bin().c_str(), bin().c_str(), "sweep", "run", (d / "sweep.yaml").c_str(), "--index", "0", "--runs-per-task", "2",
                  (char*)nullptr);
            _exit(127);
        }
        return pid;
    };
    pid_t pid = start();
    auto rows = [&](const std::string& run) {
        try {
            return io::CsvTable::load(d / ("out/runs/" + run + "/train.csv")).rows.size();
        } catch (...) {
            return size_t{0};
        }
    };
    auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(120) &&
           (rows("0000_beta=0.001") < 3 || rows("0001_beta=0.01") < 3))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(pid, SIGUSR1);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3) << std::ifstream(log).rdbuf();
    for (const char* run : {"0000_beta=0.001", "0001_beta=0.01"}) {
        auto s = io::read_json(d / ("out/runs/" + std::string(run) + "/summary.json"));
        EXPECT_EQ(s["status"], "interrupted") << run;
        EXPECT_TRUE(fs::exists(d / ("out/runs/" + std::string(run) + "/checkpoints/last.pt")));
    }
    auto r = cli_run({"sweep", "status", d / "out"});
    EXPECT_NE(r.out.find("interrupted 2"), std::string::npos) << r.out;
}
