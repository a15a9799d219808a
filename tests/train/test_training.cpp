// End-to-end training runs on tiny settings: outputs, resume equality, checkpoints and run-directory rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "config/spec.hpp"
#include "core/error.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "io/png.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"
#include "train/checkpoint.hpp"
#include "train/experiment.hpp"
#include "train/run_dir.hpp"
#include "train/trainer.hpp"
#include "train/batches.hpp"
#include <fstream>

using namespace disent;
using disent::testing::TempDir;
using disent::testing::source_path;
namespace fs = std::filesystem;

namespace {

config::ResolvedConfig quick(std::vector<std::string> ov) {
    std::vector<std::string> base = {"device=cpu", "train.batch_size=4", "train.log_every=1", "train.checkpoint_every=3",
                                     "metrics.during=[]", "metrics.final=[]"};
    base.insert(base.end(), ov.begin(), ov.end());
    return config::resolve_file(source_path("experiments/quickstart.yaml"), base, train::build_catalog());
}

train::TrainOptions opts(const std::string& dir, std::ostream& log) {
    train::TrainOptions o;
    o.run_dir = dir;
    o.progress = "lines";
    o.out = &log;
    return o;
}

}  // namespace

TEST(Training, ProducesEveryOutputFile) {
    TempDir tmp;
    std::ostringstream log;
    auto cfg = quick({"train.steps=4", "metrics.every=2", "metrics.during=[mig]", "metrics.final=[mig, dci]",
                      "metrics.final_preset=fast"});
    auto r = train::train_new(cfg, opts(tmp / "run", log));
    ASSERT_EQ(r.status, train::TrainStatus::Finished);
    train::RunPaths p{tmp / "run"};
    for (const auto& f : {p.config(), p.train_csv(), p.metrics_csv(), p.summary(), p.last_checkpoint(), p.traversals_png()})
        EXPECT_TRUE(fs::exists(f)) << f;
    // traversal grid: 9 latent rows x 10 columns of 64 px tiles with 4 px padding
    io::Image img = io::read_png(p.traversals_png());
    EXPECT_EQ(img.height, 9 * 64 + 10 * 4);
    EXPECT_EQ(img.width, 10 * 64 + 11 * 4);
    EXPECT_EQ(img.channels, 3);
    auto s = io::read_json(p.summary());
    EXPECT_EQ(s["status"], "finished");
    EXPECT_EQ(s["step"], 4);
    for (const char* k : {"mig.discrete_score", "dci.disentanglement", "dci.completeness", "dci.informativeness_test"}) {
        ASSERT_TRUE(s["final_metrics"].contains(k)) << k;
        double v = s["final_metrics"][k];
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
    }
    EXPECT_TRUE(s["best_metrics"].contains("mig.discrete_score"));
    auto train_csv = io::CsvTable::load(p.train_csv());
    EXPECT_EQ(train_csv.rows.size(), 4u);
    EXPECT_EQ(train_csv.header[0], "step");
    EXPECT_GE(train_csv.column("forward_ms"), 0);
    auto metrics_csv = io::CsvTable::load(p.metrics_csv());
    int during = 0;
    for (const auto& row : metrics_csv.rows) during += row[1] == "during";
    EXPECT_EQ(during, 2);  // steps 2 and 4
    // config.yaml resolves back to the same config
    auto again = config::resolve_file(p.config(), {}, train::build_catalog());
    EXPECT_EQ(again.to_yaml(), cfg.to_yaml());
    EXPECT_NE(log.str().find("[train] step=4/4"), std::string::npos);
    EXPECT_NE(log.str().find("forward_ms="), std::string::npos);
}

class ResumeEquality : public ::testing::TestWithParam<std::string> {};

TEST_P(ResumeEquality, ResumedLossesEqualUninterruptedRun) {
    TempDir tmp;
    std::ostringstream log;
    auto cfg = quick({"train.steps=6", "framework=" + GetParam()});
    train::train_new(cfg, opts(tmp / "a", log));
    auto o = opts(tmp / "b", log);
    o.stop_after = 3;
    auto r = train::train_new(cfg, o);
    ASSERT_EQ(r.status, train::TrainStatus::Interrupted);
    EXPECT_EQ(train::read_checkpoint_info(tmp / "b/checkpoints/last.pt").step, 3);
    EXPECT_EQ(io::read_json(tmp / "b/summary.json")["status"], "interrupted");
    auto resumed = train::resume_run(train::build_catalog(), opts(tmp / "b", log));
    ASSERT_EQ(resumed.status, train::TrainStatus::Finished);
    auto a = io::CsvTable::load(tmp / "a/train.csv"), b = io::CsvTable::load(tmp / "b/train.csv");
    ASSERT_EQ(a.rows.size(), 6u);
    ASSERT_EQ(b.rows.size(), 6u);
    const int last_loss_col = a.column("steps_per_s");
    for (size_t i = 0; i < 6; ++i)
        for (int c = 0; c < last_loss_col; ++c) EXPECT_EQ(a.rows[i][c], b.rows[i][c]) << "row " << i << " col " << a.header[c];
    // resuming a finished run does nothing
    auto again = train::resume_run(train::build_catalog(), opts(tmp / "b", log));
    EXPECT_EQ(again.step, 6);
    EXPECT_EQ(io::CsvTable::load(tmp / "b/train.csv").rows.size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Frameworks, ResumeEquality, ::testing::Values("beta_vae", "ada_vae"));

TEST(Training, ExistingRunIsNeverOverwrittenWithoutFlag) {
    TempDir tmp;
    std::ostringstream log;
    auto cfg = quick({"train.steps=1"});
    train::train_new(cfg, opts(tmp / "run", log));
    try {
        train::train_new(cfg, opts(tmp / "run", log));
        FAIL() << "expected UserError";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("already holds a run"), std::string::npos) << e.what();
    }
    auto o = opts(tmp / "run", log);
    o.overwrite = true;
    EXPECT_EQ(train::train_new(cfg, o).status, train::TrainStatus::Finished);
}

TEST(Training, LockedRunDirectoryIsRefused) {
    TempDir tmp;
    std::ostringstream log;
    train::RunLock held(tmp / "run");
    try {
        train::train_new(quick({"train.steps=1"}), opts(tmp / "run", log));
        FAIL() << "expected UserError";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("in use by another"), std::string::npos) << e.what();
    }
}

TEST(Training, CheckpointOfAnotherModelIsRejected) {
    TempDir tmp;
    std::ostringstream log;
    train::train_new(quick({"train.steps=1"}), opts(tmp / "run", log));
    auto other = train::build_experiment(quick({"model.z_size=4"}));
    try {
        train::load_checkpoint(tmp / "run/checkpoints/last.pt", *other.framework, *other.optimizer);
        FAIL() << "expected UserError";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
    }
    // a truncated checkpoint is a clear error too
    std::string bytes;
    {
        std::ifstream in(tmp / "run/checkpoints/last.pt", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::ofstream(tmp / "bad.pt", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    EXPECT_THROW(train::read_checkpoint_info(tmp / "bad.pt"), UserError);
}

TEST(Training, BadConfigIsRejectedBeforeTheRunDirectoryIsTouched) {
    TempDir tmp;
    EXPECT_THROW(quick({"train.stepz=3"}), UserError);
    // a config error found while building (image size vs model) leaves no directory behind
    std::ostringstream log;
    auto cfg = quick({"train.steps=1", "dataset.image_size=32", "dataset.square_size=4"});
    EXPECT_THROW(train::train_new(cfg, opts(tmp / "never", log)), UserError);
    EXPECT_FALSE(fs::exists(tmp / "never"));
}

TEST(Training, BatchesAreAFunctionOfSeedAndStep) {
    train::IndexStream a(10, 7), b(10, 7);
    auto first = a.batch(3, 4);
    EXPECT_EQ(b.batch(0, 4).size(), 4u);
    EXPECT_EQ(b.batch(3, 4), first);  // independent of what was drawn before
    // every epoch is a permutation: 10 consecutive draws cover 0..9 once
    std::vector<int64_t> seen;
    for (int s = 0; s < 5; ++s)
        for (auto i : a.batch(s, 2)) seen.push_back(i);
    std::sort(seen.begin(), seen.end());
    for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(seen[i], i);
}

TEST(Training, SchedulesSetFrameworkKeysEveryStepAndResumeExactly) {
    // linear 0 → 4 steps, r 0 → 2 on β (v0 = 1e-4): β_t = v0·t/2 at step t (0-based), logged per step
    TempDir tmp;
    std::ostringstream log;
    auto cfg = quick({"train.steps=4", "schedules=[{key: framework.beta, name: linear, start_step: 0, end_step: 4, r_start: 0.0, r_end: 2.0}]"});
    ASSERT_EQ(train::train_new(cfg, opts(tmp / "a", log)).status, train::TrainStatus::Finished);
    auto a = io::CsvTable::load(tmp / "a/train.csv");
    const int col = a.column("scheduled/framework.beta");
    ASSERT_GE(col, 0);
    ASSERT_EQ(a.rows.size(), 4u);
    for (int t = 0; t < 4; ++t) {
        const double beta = std::stod(a.rows[t][col]);
        EXPECT_NEAR(beta, 1e-4 * t / 2.0, 1e-15) << t;
        const double kl = std::stod(a.rows[t][a.column("kl_loss")]), reg = std::stod(a.rows[t][a.column("reg_loss")]);
        EXPECT_NEAR(reg, beta * kl, 1e-6 * std::max(1e-12, beta * kl)) << t;
    }
    EXPECT_NE(log.str().find("scheduled/framework.beta="), std::string::npos);
    auto o = opts(tmp / "b", log);
    o.stop_after = 2;
    ASSERT_EQ(train::train_new(cfg, o).status, train::TrainStatus::Interrupted);
    ASSERT_EQ(train::resume_run(train::build_catalog(), opts(tmp / "b", log)).status, train::TrainStatus::Finished);
    auto b = io::CsvTable::load(tmp / "b/train.csv");
    ASSERT_EQ(b.rows.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(a.rows[i][col], b.rows[i][col]);
        EXPECT_EQ(a.rows[i][1], b.rows[i][1]) << "loss of step " << i + 1;
    }
}
