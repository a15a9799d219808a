// Every CLI action, run in-process through run_cli (mlpack style), plus one real process for signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/cli.hpp"
#include "data/registry.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "io/npz.hpp"
#include "cli_runner.hpp"
#include "test_util.hpp"
#include "train/checkpoint.hpp"

using namespace disent;
using disent::testing::TempDir;
using disent::testing::source_path;
namespace fs = std::filesystem;

namespace {

constexpr auto& run = disent::testing::run_cli_captured;

const std::string kSpec = source_path("experiments/quickstart.yaml");
const std::vector<std::string> kTiny = {"device=cpu", "train.steps=2", "train.batch_size=2", "train.log_every=1",
                                        "metrics.during=[]", "metrics.final=[mig]", "metrics.final_preset=fast"};

std::vector<std::string> train_args(const std::string& out) {
    std::vector<std::string> a = {"train", kSpec};
    a.insert(a.end(), kTiny.begin(), kTiny.end());
    a.insert(a.end(), {"--out", out, "--progress", "lines"});
    return a;
}

}  // namespace

TEST(Cli, HelpAndVersion) {
    auto r = run({"--help"});
    EXPECT_EQ(r.code, 0);
    for (const char* cmd : {"train", "resume", "config", "list", "data"}) EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
    r = run({"--version"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("disent-run " DISENT_VERSION), std::string::npos);
    EXPECT_EQ(run({}).code, 2);
    EXPECT_EQ(run({"frobnicate"}).code, 2);
}

TEST(Cli, ListEveryKind) {
    auto r = run({"list"});
    EXPECT_EQ(r.code, 0);
    for (const char* name : {"xysquares", "gt_pair_orig", "conv64", "beta_vae", "ada_vae", "adam", "mig", "dci", "mse_box_r31"})
        EXPECT_NE(r.out.find(name), std::string::npos) << name;
    r = run({"list", "frameworks"});
    EXPECT_EQ(r.code, 0);
    for (const char* name : {"ae", "vae", "beta_vae", "ada_vae", "betatc_vae", "dip_vae", "info_vae", "dfc_vae", "factor_vae",
                             "annealed_vae", "tae", "tvae", "ada_ae", "adaneg_tae", "adaneg_tvae", "adaneg_tae_d", "adaneg_tvae_d"})
        EXPECT_NE(r.out.find("  " + std::string(name) + " "), std::string::npos) << name << "\n" << r.out;
    EXPECT_NE(r.out.find("[input: triplet]"), std::string::npos) << r.out;
    r = run({"list", "optimizers"});
    for (const char* name : {"adam", "adamw", "sgd", "rmsprop", "radam", "adabelief"})
        EXPECT_NE(r.out.find(name), std::string::npos) << name;
    EXPECT_EQ(r.out.find("xysquares"), std::string::npos);
    r = run({"list", "framwork"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("did you mean 'frameworks'"), std::string::npos) << r.err;
}

TEST(Cli, ConfigPrintsResolvedSpec) {
    auto r = run({"config", kSpec, "framework=ada_vae", "framework.beta=0.001", "dataset.grid_spacing=4"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("  name: ada_vae"), std::string::npos);
    EXPECT_NE(r.out.find("  beta: 0.001"), std::string::npos);
    EXPECT_NE(r.out.find("  grid_spacing: 4"), std::string::npos);
    EXPECT_NE(r.out.find("sampler:\n  name: gt_pair_orig"), std::string::npos);
}

TEST(Cli, BadConfigExitsTwoWithOneLineNamingTheKey) {
    TempDir tmp;
    auto r = run({"train", kSpec, "framework.betaa=0.1", "--out", tmp / "run"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("'framework.betaa'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'framework.beta'"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "run"));
    std::ofstream(tmp / "bad.yaml") << "train:\n  steps: 10\n  batch_size: -3\n";
    r = run({"config", tmp / "bad.yaml"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("bad.yaml:3: key 'train.batch_size'"), std::string::npos) << r.err;
    r = run({"config", tmp / "missing.yaml"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("missing.yaml"), std::string::npos);
}

TEST(Cli, ConfigReferenceMatchesDocs) {
    auto r = run({"config", "--reference"});
    ASSERT_EQ(r.code, 0);
    std::ifstream in(source_path("docs/config.md"));
    std::stringstream doc;
    doc << in.rdbuf();
    EXPECT_EQ(doc.str(), r.out) << "docs/config.md is stale: regenerate with `disent-run config --reference > docs/config.md`";
}

TEST(Cli, TrainResumeAndRefuseOverwrite) {
    TempDir tmp;
    auto r = run(train_args(tmp / "run"));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("[done]"), std::string::npos);
    EXPECT_NE(r.out.find(tmp / "run"), std::string::npos);
    auto s = io::read_json(tmp / "run/summary.json");
    EXPECT_TRUE(s["final_metrics"].contains("mig.discrete_score"));
    r = run(train_args(tmp / "run"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--overwrite"), std::string::npos);
    r = run({"resume", tmp / "run"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("already finished"), std::string::npos);
    r = run({"resume", tmp / "nothing"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("not a run directory"), std::string::npos);
}

TEST(Cli, DataExportWritesNpzWithObservationsAndFactors) {
    TempDir tmp;
    auto r = run({"data", "export", "xysquares", "grid_spacing=4", "--indices", "0,1,5-7,262143", "--out", tmp / "x.npz"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto arrays = io::read_npz(tmp / "x.npz");
    const auto& obs = arrays.at("observations");
    const auto& fac = arrays.at("factors");
    EXPECT_EQ(obs.dtype, "|u1");
    EXPECT_EQ(obs.shape, (std::vector<int64_t>{6, 64, 64, 3}));
    EXPECT_EQ(fac.dtype, "<i8");
    EXPECT_EQ(fac.shape, (std::vector<int64_t>{6, 6}));
    auto ds = data::make_dataset("xysquares", {{"grid_spacing", "4"}});
    std::vector<int64_t> idx = {0, 1, 5, 6, 7, 262143};
    auto f = io::as_int64(fac);
    for (size_t i = 0; i < idx.size(); ++i) {
        std::vector<uint8_t> img(static_cast<size_t>(ds->obs_bytes()));
        ds->render(idx[i], img.data());
        EXPECT_TRUE(std::equal(img.begin(), img.end(), obs.data.begin() + i * img.size())) << idx[i];
        EXPECT_EQ(std::vector<int64_t>(f.begin() + i * 6, f.begin() + (i + 1) * 6), ds->states().idx_to_pos(idx[i]));
    }
    // the file is a standard .npz that NumPy loads
    if (std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") == 0) {
        std::string cmd = "/usr/bin/python3 -c \"import numpy as np; d=np.load('" + (tmp / "x.npz") +
                          "'); assert d['observations'].shape==(6,64,64,3) and d['observations'].dtype==np.uint8 and d['factors'][0].tolist()==[0]*6 and d['factors'].dtype==np.int64\"";
        EXPECT_EQ(std::system(cmd.c_str()), 0);
    }
    EXPECT_EQ(run({"data", "export", "xysquares", "--indices", "262144", "--out", tmp / "y.npz"}).code, 2);
    r = run({"data", "export", "xysquares", "grid_spacng=4", "--indices", "0", "--out", tmp / "y.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("did you mean 'grid_spacing'"), std::string::npos) << r.err;
    EXPECT_EQ(run({"data", "export", "nosuch", "--indices", "0", "--out", tmp / "y.npz"}).code, 2);
}

// A real process: SIGUSR1 (what SLURM sends before a time limit) makes the run checkpoint and exit 3.
TEST(CliProcess, SignalCheckpointsAndExitsThree) {
    TempDir tmp;
    const std::string bin = std::string(DISENT_BINARY_DIR) + "/disent-run";
    if (!fs::exists(bin)) GTEST_SKIP() << "binary not built";
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::string out = tmp / "run";
        int fd = ::open((tmp / "log.txt").c_str(), O_WRONLY | O_CREAT, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(bin.c_str(), bin.c_str(), "train", kSpec.c_str(), "device=cpu", "train.steps=100000", "train.batch_size=2",
              "train.log_every=1", "train.checkpoint_every=0", "metrics.during=[]", "metrics.final=[]", "--out", out.c_str(),
              "--progress", "lines", (char*)nullptr);
        _exit(127);
    }
    // wait until training has logged a few steps
    auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)) {
        std::ifstream in(tmp / "log.txt");
        std::string s((std::istreambuf_iterator<char>(in)), {});
        if (s.find("step=3/") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGUSR1);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3);
    auto s = io::read_json(tmp / "run/summary.json");
    EXPECT_EQ(s["status"], "interrupted");
    const int64_t step = s["step"];
    EXPECT_GE(step, 3);
    EXPECT_EQ(train::read_checkpoint_info(tmp / "run/checkpoints/last.pt").step, step);
    EXPECT_EQ(io::CsvTable::load(tmp / "run/train.csv").rows.size(), static_cast<size_t>(step));
}
