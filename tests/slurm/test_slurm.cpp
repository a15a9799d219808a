// A real single-node SLURM cluster (Debian slurm-wlm + munge) started by the test itself: it writes its own
// slurm.conf and munge key under a temp dir, starts munged, slurmctld and slurmd as child processes, submits
// sweeps with `disent-run sweep submit`, and tears everything down (even when a check fails).
// Skips (with the reason) when not root or when the binaries are missing. ctest label: slurm.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using disent::testing::TempDir;

namespace {

const std::string kBin = std::string(DISENT_BINARY_DIR) + "/disent-run";

std::string sh(const std::string& cmd, int* rc = nullptr) {
    std::string out;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return out;
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    const int st = pclose(p);
    if (rc) *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool have(const std::string& prog) {
    for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/", "/usr/local/bin/", "/usr/local/sbin/"})
        if (fs::exists(std::string(dir) + prog)) return true;
    return false;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        FILE* f = freopen(log.c_str(), "a", stdout);
        (void)f;
        dup2(fileno(stdout), 2);
        std::vector<char*> argv;
        for (auto& a : const_cast<std::vector<std::string>&>(args)) argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 50; ++i) {
        if (waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

template <class F>
bool wait_until(F f, int seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return f();
}

// The cluster: munged + slurmctld + slurmd, all children of this process, configured under a temp dir.
class Cluster {
public:
    std::string why_not;  // set when the cluster cannot be started (then the test skips or fails)
    TempDir tmp;

    bool start() {
        if (geteuid() != 0) return why_not = "needs root (slurmd runs jobs as their user)", false;
        for (const char* p : {"munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue", "scontrol", "scancel"})
            if (!have(p)) return why_not = std::string("'") + p + "' not installed (scripts/setup-debian.sh installs slurm-wlm and munge)", false;
        if (!fs::exists(kBin)) return why_not = "disent-run not built (" + kBin + ")", false;
        const std::string d = tmp.path();
        fs::create_directories(d + "/state");
        fs::create_directories(d + "/spool");
        fs::create_directories(d + "/munge");
        fs::permissions(d + "/munge", fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        fs::permissions(d, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        {
            std::ofstream key(d + "/munge/munge.key", std::ios::binary);
            std::ifstream rnd("/dev/urandom", std::ios::binary);
            char buf[1024];
            rnd.read(buf, sizeof buf);
            key.write(buf, sizeof buf);
        }
        fs::permissions(d + "/munge/munge.key", fs::perms::owner_read);
        const int port = 20000 + static_cast<int>(getpid() % 20000) * 2 % 20000;
        std::ofstream(d + "/slurm.conf") << "ClusterName=disenttest\n"
                                            "SlurmctldHost=localhost\n"
                                            "SlurmUser=root\nSlurmdUser=root\n"
                                            "SlurmctldPort=" << port << "\nSlurmdPort=" << port + 1 << "\n"
                                            "AuthType=auth/munge\nCredType=cred/munge\n"
                                            "AuthInfo=socket=" << d << "/munge/munge.sock\n"
                                            "MpiDefault=none\n"
                                            "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                                            "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
                                            "JobCompType=jobcomp/none\nSchedulerType=sched/builtin\n"
                                            "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
                                            "ReturnToService=2\nJobRequeue=1\nMinJobAge=600\n"
                                            "StateSaveLocation=" << d << "/state\nSlurmdSpoolDir=" << d << "/spool\n"
                                            "SlurmctldPidFile=" << d << "/slurmctld.pid\nSlurmdPidFile=" << d << "/slurmd.pid\n"
                                            "SlurmctldLogFile=" << d << "/slurmctld.log\nSlurmdLogFile=" << d << "/slurmd.log\n"
                                            "NodeName=localhost CPUs=2 RealMemory=500 State=UNKNOWN\n"
                                            "PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n";
        setenv("SLURM_CONF", (d + "/slurm.conf").c_str(), 1);
        setenv("OMP_NUM_THREADS", "1", 1);  // two tasks share the 2 CPUs
        munged_ = spawn({"munged", "-f", "-F", "--key-file=" + d + "/munge/munge.key", "--socket=" + d + "/munge/munge.sock",
                         "--pid-file=" + d + "/munge/munged.pid", "--log-file=" + d + "/munge/munged.log",
                         "--seed-file=" + d + "/munge/munged.seed"},
                        d + "/munged.out");
        if (!wait_until([&] { return fs::exists(d + "/munge/munge.sock"); }, 20))
            return why_not = "munged did not start: " + slurp(d + "/munged.out"), false;
        ctld_ = spawn({"slurmctld", "-D", "-i", "-f", d + "/slurm.conf"}, d + "/slurmctld.out");
        slurmd_ = spawn({"slurmd", "-D", "-N", "localhost", "-f", d + "/slurm.conf"}, d + "/slurmd.out");
        if (!wait_until([&] { return sh("sinfo -h -N -o %T").find("idle") != std::string::npos; }, 60))
            return why_not = "the node never became idle: sinfo says '" + sh("sinfo -h -N -o %T") + "'; " +
                             slurp(d + "/slurmctld.log").substr(0, 2000),
                   false;
        return true;
    }

    ~Cluster() {
        if (ctld_ > 0) sh("scancel --full --quiet -u root");
        stop(slurmd_);
        stop(ctld_);
        stop(munged_);
        // slurmstepd processes of killed jobs exit once slurmd is gone; job processes were scancel'ed
        unsetenv("SLURM_CONF");
    }

    std::string dump() const {
        const std::string d = tmp.path();
        return "slurmctld.log tail:\n" + tail(slurp(d + "/slurmctld.log")) + "\nslurmd.log tail:\n" + tail(slurp(d + "/slurmd.log"));
    }
    static std::string tail(const std::string& s) { return s.size() > 3000 ? s.substr(s.size() - 3000) : s; }

private:
    pid_t munged_ = -1, ctld_ = -1, slurmd_ = -1;
};

void write_sweep(const std::string& dir, const std::string& grid, int steps) {
    std::ofstream(dir + "/base.yaml") << "seed: 0\ndevice: cpu\nrecon_loss: mse\n"
                                         "dataset:\n  name: xysquares_minimal\n"
                                         "framework:\n  name: beta_vae\n  beta: 0.001\n"
                                         "model:\n  name: conv64\n  z_size: 6\n"
                                         "train:\n  steps: " << steps << "\n  batch_size: 4\n  checkpoint_every: 1000\n  log_every: 5\n"
                                         "metrics:\n  during: [mig]\n  every: " << steps << "\n  during_preset: fast\n  final: []\n";
    std::ofstream(dir + "/sweep.yaml") << "name: slurmtest\nbase: base.yaml\nout: " << dir << "/out\n" << grid
                                       << "slurm:\n  time: \"00:10:00\"\n  cpus: 1\n  max_parallel: 2\n";
}

bool queue_empty(const std::string& job) {
    int rc = 0;
    std::string q = sh("squeue -h -j " + job, &rc);
    return rc == 0 && q.find_first_not_of(" \n") == std::string::npos;
}

std::string submit(const std::string& dir) {
    int rc = 0;
    std::string out = sh("cd " + dir + " && " + kBin + " sweep submit sweep.yaml --partition test", &rc);
    EXPECT_EQ(rc, 0) << out;
    std::string job = slurp(dir + "/out/slurm/jobs.txt");
    return job.substr(0, job.find('\t'));
}

}  // namespace

TEST(Slurm, ArraySweepRunsEveryEntryAndAggregates) {
    Cluster c;
    if (!c.start()) {
        if (geteuid() != 0 || c.why_not.find("not installed") != std::string::npos || c.why_not.find("not built") != std::string::npos)
            GTEST_SKIP() << c.why_not;
        FAIL() << c.why_not;
    }
    TempDir work;
    write_sweep(work.path(), "grid:\n  framework.beta: [0.001, 0.01]\n  model.z_size: [4, 6]\n", 20);
    const std::string job = submit(work.path());
    ASSERT_FALSE(job.empty());
    ASSERT_TRUE(wait_until([&] { return queue_empty(job); }, 240)) << sh("squeue") << c.dump();
    int rc = 0;
    const std::string status = sh(kBin + " sweep status " + work.path() + "/out", &rc);
    EXPECT_EQ(rc, 0);
    EXPECT_NE(status.find("done 4 / running 0 / failed 0 / interrupted 0 / pending 0"), std::string::npos)
        << status << slurp(work.path() + "/out/slurm/" + job + "_0.out") << c.dump();
    const std::string agg = sh(kBin + " sweep aggregate " + work.path() + "/out", &rc);
    ASSERT_EQ(rc, 0) << agg;
    auto runs = disent::io::CsvTable::load(work.path() + "/out/aggregate/runs.csv");
    EXPECT_EQ(runs.rows.size(), 4u);
    EXPECT_GE(runs.column("best.mig.discrete_score"), 0);
    EXPECT_TRUE(fs::exists(work.path() + "/out/aggregate/best.mig.discrete_score.png"));
    for (int t = 0; t < 4; ++t) EXPECT_TRUE(fs::exists(work.path() + "/out/slurm/" + job + "_" + std::to_string(t) + ".out"));
}

TEST(Slurm, Usr1CheckpointsRequeuesAndResumesToTheSameStepCount) {
    Cluster c;
    if (!c.start()) {
        if (geteuid() != 0 || c.why_not.find("not installed") != std::string::npos || c.why_not.find("not built") != std::string::npos)
            GTEST_SKIP() << c.why_not;
        FAIL() << c.why_not;
    }
    TempDir work;
    const int steps = 400;
    write_sweep(work.path(), "grid:\n  framework.beta: [0.001]\n", steps);
    const std::string job = submit(work.path());
    ASSERT_FALSE(job.empty());
    const std::string task = job + "_0";
    const std::string run = work.path() + "/out/runs/0000_beta=0.001";
    // wait until it trains (a few log rows), then send what SLURM sends before the time limit
    ASSERT_TRUE(wait_until(
        [&] {
            if (!fs::exists(run + "/train.csv")) return false;
            try {
                return disent::io::CsvTable::load(run + "/train.csv").rows.size() >= 2;
            } catch (...) {
                return false;
            }
        },
        120))
        << sh("squeue") << slurp(work.path() + "/out/slurm/" + task + ".out") << c.dump();
    int rc = 0;
    sh("scancel --signal=USR1 --batch " + task, &rc);
    ASSERT_EQ(rc, 0);
    // the task checkpoints, exits 3 and requeues itself: SLURM holds a requeued job ~2 min (BeginTime);
    // release it now so the test stays short
    ASSERT_TRUE(wait_until([&] { return sh("squeue -h -j " + task + " -o %r").find("BeginTime") != std::string::npos ||
                                        slurp(work.path() + "/out/slurm/" + task + ".out").find("restart 1") != std::string::npos; },
                           120))
        << sh("squeue") << slurp(work.path() + "/out/slurm/" + task + ".out") << c.dump();
    sh("scontrol update JobId=" + task + " StartTime=now");
    ASSERT_TRUE(wait_until([&] { return queue_empty(job); }, 240)) << sh("squeue") << c.dump();

    const std::string task_log = slurp(work.path() + "/out/slurm/" + task + ".out");
    EXPECT_NE(task_log.find("got SIGUSR1"), std::string::npos) << task_log;
    EXPECT_NE(task_log.find("requeueing"), std::string::npos) << task_log;
    EXPECT_NE(task_log.find("restart 1"), std::string::npos) << task_log;
    EXPECT_NE(task_log.find("stopped at step"), std::string::npos) << task_log;
    EXPECT_NE(task_log.find("resuming run 0"), std::string::npos) << task_log;
    auto summary = disent::io::read_json(run + "/summary.json");
    EXPECT_EQ(summary.value("status", ""), "finished");
    EXPECT_EQ(summary.value("step", 0), steps);
    // same rows as an uninterrupted run: one per log_every (5) steps, no duplicates from the resume
    auto t = disent::io::CsvTable::load(run + "/train.csv");
    ASSERT_EQ(t.rows.size(), static_cast<size_t>(steps / 5));
    for (size_t i = 0; i < t.rows.size(); ++i) EXPECT_EQ(t.rows[i][0], std::to_string((i + 1) * 5));
    const std::string status = sh(kBin + " sweep status " + work.path() + "/out");
    EXPECT_NE(status.find("done 1 /"), std::string::npos) << status;
}
