// Faults a long-running cluster job meets: NaN losses, kill -9 at any moment, a full disk, concurrent
// processes. Each test runs the real binary (kill and rlimit need a process of their own).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "config/spec.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"
#include "train/checkpoint.hpp"

using namespace disent;
using disent::testing::TempDir;
using disent::testing::source_path;
namespace fs = std::filesystem;

namespace {

const std::string kBin = std::string(DISENT_BINARY_DIR) + "/disent-run";
const std::string kSpec = source_path("experiments/quickstart.yaml");

std::vector<std::string> tiny(std::vector<std::string> extra) {
    std::vector<std::string> a = {"device=cpu", "train.batch_size=2", "train.log_every=1", "metrics.during=[]",
                                  "metrics.final=[]", "--progress", "lines"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

// Starts `disent-run args...` with stdout/stderr to `log`; `fsize` > 0 limits the size of files it writes.
pid_t spawn(const std::vector<std::string>& args, const std::string& log, rlim_t fsize = 0) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fsize > 0) {
        signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG, as on a full disk
        struct rlimit rl{fsize, fsize};
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    std::vector<char*> argv{const_cast<char*>(kBin.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(kBin.c_str(), argv.data());
    _exit(127);
}

int wait_exit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(const std::vector<std::string>& args, const std::string& log, rlim_t fsize = 0) {
    return wait_exit(spawn(args, log, fsize));
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::vector<std::string> loss_rows(const std::string& run_dir) {
    auto t = io::CsvTable::load(run_dir + "/train.csv");
    std::vector<std::string> out;
    for (const auto& r : t.rows) out.push_back(r[0] + ":" + r[1]);
    return out;
}

bool no_temp_files(const std::string& dir) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".tmp.") != std::string::npos) return false;
    return true;
}

#define REQUIRE_BINARY() \
    if (!fs::exists(kBin)) GTEST_SKIP() << "disent-run not built"

}  // namespace

TEST(Faults, NonFiniteLossStopsNamingStepAndTermAndKeepsLastGoodCheckpoint) {
    REQUIRE_BINARY();
    TempDir tmp;
    // an absurd learning rate: step 1 is finite, its update overflows the weights, step 2 is not
    auto args = tiny({"optimizer.lr=1e30", "train.steps=5", "train.checkpoint_every=1"});
    args.insert(args.begin(), {"train", kSpec});
    args.insert(args.end(), {"--out", tmp / "run"});
    EXPECT_EQ(run(args, tmp / "log"), 1);
    const std::string log = read(tmp / "log");
    EXPECT_NE(log.find("error: non-finite"), std::string::npos) << log;
    EXPECT_NE(log.find("at step 2"), std::string::npos) << log;
    EXPECT_NE(log.find("last good checkpoint"), std::string::npos) << log;
    EXPECT_EQ(train::read_checkpoint_info(tmp / "run/checkpoints/last.pt").step, 1);
    auto s = io::read_json(tmp / "run/summary.json");
    EXPECT_EQ(s["status"], "failed");
    EXPECT_NE(s["error"].get<std::string>().find("at step 2"), std::string::npos);
}

TEST(Faults, NonFiniteSkipPolicySkipsAndCounts) {
    REQUIRE_BINARY();
    TempDir tmp;
    auto args = tiny({"optimizer.lr=1e30", "train.steps=5", "train.nonfinite=skip"});
    args.insert(args.begin(), {"train", kSpec});
    args.insert(args.end(), {"--out", tmp / "run"});
    ASSERT_EQ(run(args, tmp / "log"), 0) << read(tmp / "log");
    auto s = io::read_json(tmp / "run/summary.json");
    EXPECT_EQ(s["status"], "finished");
    EXPECT_EQ(s["skipped_nonfinite_steps"], 4);  // every step after the first
    EXPECT_NE(read(tmp / "log").find("skipped_nonfinite=4"), std::string::npos);
}

// kill -9 at random moments (also during checkpoint and table writes); resume must always reach the
// same final step with the same losses as an uninterrupted run.
TEST(Faults, KillNineAtRandomPointsThenResumeToTheSameEnd) {
    REQUIRE_BINARY();
    TempDir tmp;
    const std::vector<std::string> cfg = tiny({"train.steps=10", "train.checkpoint_every=2"});
    auto ref_args = cfg;
    ref_args.insert(ref_args.begin(), {"train", kSpec});
    ref_args.insert(ref_args.end(), {"--out", tmp / "ref"});
    ASSERT_EQ(run(ref_args, tmp / "ref.log"), 0);
    const auto ref = loss_rows(tmp / "ref");
    ASSERT_EQ(ref.size(), 10u);
    // how long an uninterrupted run takes, to spread the kills over its whole life
    auto t0 = std::chrono::steady_clock::now();
    auto timing_args = ref_args;
    timing_args.back() = tmp / "timing";
    run(timing_args, tmp / "timing.log");
    const double life = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::mt19937 gen(20261130);
    std::uniform_real_distribution<double> when(0.0, life);
    int resumed_from_checkpoint = 0;
    for (int i = 0; i < 20; ++i) {
        const std::string dir = tmp / ("run" + std::to_string(i));
        auto args = cfg;
        args.insert(args.begin(), {"train", kSpec});
        args.insert(args.end(), {"--out", dir});
        pid_t pid = spawn(args, dir + ".log");
        std::this_thread::sleep_for(std::chrono::duration<double>(when(gen)));
        kill(pid, SIGKILL);
        wait_exit(pid);
        int rc;
        if (fs::exists(dir + "/config.yaml")) {
            if (fs::exists(dir + "/checkpoints/last.pt")) {
                // whatever the kill interrupted, the checkpoint left behind is loadable
                EXPECT_NO_THROW(train::read_checkpoint_info(dir + "/checkpoints/last.pt")) << dir;
                ++resumed_from_checkpoint;
            }
            if (fs::exists(dir + "/train.csv")) EXPECT_NO_THROW(io::CsvTable::load(dir + "/train.csv")) << dir;
            rc = run({"resume", dir, "--progress", "lines"}, dir + ".log");
        } else {  // killed before the run directory held a run: start it again
            args.push_back("--overwrite");
            rc = run(args, dir + ".log");
        }
        ASSERT_EQ(rc, 0) << read(dir + ".log");
        auto s = io::read_json(dir + "/summary.json");
        EXPECT_EQ(s["status"], "finished") << dir;
        EXPECT_EQ(s["step"], 10) << dir;
        EXPECT_EQ(train::read_checkpoint_info(dir + "/checkpoints/last.pt").step, 10) << dir;
        EXPECT_EQ(loss_rows(dir), ref) << dir;
        EXPECT_TRUE(no_temp_files(dir)) << dir;
    }
    std::printf("[faults] 20 kills, %d resumed from a checkpoint\n", resumed_from_checkpoint);
    EXPECT_GT(resumed_from_checkpoint, 0);
}

TEST(Faults, FullDiskGivesAClearErrorAndKeepsEarlierOutputs) {
    REQUIRE_BINARY();
    TempDir tmp;
    auto args = tiny({"train.steps=4", "train.checkpoint_every=2"});
    args.insert(args.begin(), {"train", kSpec});
    args.insert(args.end(), {"--out", tmp / "run"});
    // 1 MiB per file: config and tables fit, a conv64 checkpoint (~7 MiB) does not
    const int rc = run(args, tmp / "log", 1 << 20);
    EXPECT_NE(rc, 0);
    const std::string log = read(tmp / "log");
    EXPECT_NE(log.find("error: cannot write '" + (tmp / "run/checkpoints/last.pt") + "'"), std::string::npos) << log;
    EXPECT_NE(log.find("File too large"), std::string::npos) << log;
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n') > 0, true);
    EXPECT_FALSE(fs::exists(tmp / "run/checkpoints/last.pt"));
    EXPECT_NO_THROW(config::resolve_file(tmp / "run/config.yaml", {}, train::build_catalog()));
    EXPECT_EQ(io::CsvTable::load(tmp / "run/train.csv").rows.size(), 2u);
    EXPECT_TRUE(no_temp_files(tmp / "run"));
}

TEST(Faults, EightConcurrentRunsInOneDirectoryAndALockedRun) {
    REQUIRE_BINARY();
    TempDir tmp;
    std::vector<pid_t> pids;
    for (int i = 0; i < 8; ++i) {
        auto args = tiny({"train.steps=3", "seed=" + std::to_string(i)});
        args.insert(args.begin(), {"train", kSpec});
        args.insert(args.end(), {"--out", tmp / ("sweep/run" + std::to_string(i))});
        pids.push_back(spawn(args, tmp / ("log" + std::to_string(i))));
    }
    // a ninth process aimed at a directory in use is refused
    auto dup = tiny({"train.steps=3"});
    dup.insert(dup.begin(), {"train", kSpec});
    dup.insert(dup.end(), {"--out", tmp / "sweep/run0"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const int dup_rc = run(dup, tmp / "dup.log");
    for (size_t i = 0; i < pids.size(); ++i) EXPECT_EQ(wait_exit(pids[i]), 0) << read(tmp / ("log" + std::to_string(i)));
    EXPECT_EQ(dup_rc, 2);
    const std::string dlog = read(tmp / "dup.log");
    EXPECT_TRUE(dlog.find("in use by another") != std::string::npos || dlog.find("already holds a run") != std::string::npos) << dlog;
    for (int i = 0; i < 8; ++i) {
        const std::string dir = tmp / ("sweep/run" + std::to_string(i));
        auto s = io::read_json(dir + "/summary.json");
        EXPECT_EQ(s["status"], "finished");
        EXPECT_EQ(s["seed"], i);
        EXPECT_EQ(io::CsvTable::load(dir + "/train.csv").rows.size(), 3u);
        EXPECT_EQ(train::read_checkpoint_info(dir + "/checkpoints/last.pt").step, 3);
    }
}

// Symbolic links planted inside a run directory never redirect a write outside it: train and resume
// refuse them before any work, with one line naming the link, and the outside files stay as they were.
TEST(Faults, PlantedSymlinksInARunDirectoryAreRefused) {
    REQUIRE_BINARY();
    TempDir tmp;
    fs::create_directories(tmp / "elsewhere");
    const std::string outside = tmp / "elsewhere/precious.txt";
    std::ofstream(outside) << "keep me\n";
    auto error_lines = [](const std::string& log) {
        std::vector<std::string> lines;
        std::istringstream in(log);
        for (std::string l; std::getline(in, l);)
            if (l.rfind("error:", 0) == 0) lines.push_back(l);
        return lines;
    };
    auto train_into = [&](const std::string& dir, const std::string& log) {
        auto args = tiny({"train.steps=2", "train.checkpoint_every=1"});
        args.insert(args.begin(), {"train", kSpec});
        args.insert(args.end(), {"--out", dir});
        return run(args, log);
    };
    // a new run directory with train.csv, images/traversals.png or .lock planted as links to a file outside
    int n = 0;
    for (const std::string rel : {"train.csv", "images/traversals.png", ".lock"}) {
        const std::string dir = tmp / ("new" + std::to_string(n++));
        fs::create_directories(fs::path(dir + "/" + rel).parent_path());
        fs::create_symlink(outside, dir + "/" + rel);
        EXPECT_EQ(train_into(dir, dir + ".log"), 2) << rel << ": " << read(dir + ".log");
        const auto errors = error_lines(read(dir + ".log"));
        ASSERT_EQ(errors.size(), 1u) << rel << ": " << read(dir + ".log");
        EXPECT_EQ(errors[0], "error: refusing to write '" + dir + "/" + rel + "': '" + dir + "/" + rel +
                                 "' is a symbolic link inside '" + dir + "', which could send the write outside it; remove the link");
        EXPECT_FALSE(fs::exists(dir + "/config.yaml")) << rel << ": work started before the error";
    }
    // a finished run whose checkpoints/ is replaced by a link to a directory outside: resume refuses
    const std::string run_dir = tmp / "run";
    ASSERT_EQ(train_into(run_dir, tmp / "run.log"), 0) << read(tmp / "run.log");
    fs::rename(run_dir + "/checkpoints/last.pt", tmp / "elsewhere/last.pt");
    fs::remove(run_dir + "/checkpoints");
    fs::create_symlink(tmp / "elsewhere", run_dir + "/checkpoints");
    const auto before = fs::last_write_time(tmp / "elsewhere/last.pt");
    const auto size_before = fs::file_size(tmp / "elsewhere/last.pt");
    EXPECT_EQ(run({"resume", run_dir, "--progress", "lines"}, tmp / "resume.log"), 2) << read(tmp / "resume.log");
    const auto errors = error_lines(read(tmp / "resume.log"));
    ASSERT_EQ(errors.size(), 1u) << read(tmp / "resume.log");
    EXPECT_NE(errors[0].find("'" + run_dir + "/checkpoints' is a symbolic link inside '" + run_dir + "'"), std::string::npos) << errors[0];
    EXPECT_EQ(fs::last_write_time(tmp / "elsewhere/last.pt"), before);
    EXPECT_EQ(fs::file_size(tmp / "elsewhere/last.pt"), size_before);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(tmp / "elsewhere")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"last.pt", "precious.txt"}));  // nothing written through the link
    EXPECT_EQ(read(outside), "keep me\n");
}
