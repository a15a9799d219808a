// Every shipped experiments/frameworks/*.yaml trains 3 steps on CPU, and a run stopped after 2 steps
// resumes from its checkpoint to the same losses as the uninterrupted run (FactorVAE's discriminator
// and its optimiser included).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "../frameworks/tiny_extractor.hpp"
#include "config/spec.hpp"
#include "frameworks/framework.hpp"
#include "io/csv_table.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"
#include "train/checkpoint.hpp"
#include "train/trainer.hpp"

using namespace disent;
using disent::testing::source_path;
using disent::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> spec_names() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(source_path("experiments/frameworks")))
        if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(FrameworkSpecs, OneSpecPerRegisteredFramework) {
    train::register_builtins();
    const auto names = frameworks::framework_registry().names();
    const auto specs = spec_names();
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), std::set<std::string>(specs.begin(), specs.end()));
}

TEST(FrameworkSpecs, DocsTableNamesEveryFramework) {
    train::register_builtins();
    std::ifstream in(source_path("docs/frameworks.md"));
    std::stringstream doc;
    doc << in.rdbuf();
    for (const auto& name : frameworks::framework_registry().names())
        EXPECT_NE(doc.str().find("| `" + name + "`"), std::string::npos) << name << " has no row in docs/frameworks.md";
}

class FrameworkSpec : public ::testing::TestWithParam<std::string> {};

TEST_P(FrameworkSpec, TrainsThreeStepsAndResumesFromItsCheckpoint) {
    TempDir tmp;
    std::ostringstream log;
    std::vector<std::string> ov = {"device=cpu", "train.steps=3", "train.batch_size=4", "train.log_every=1",
                                   "train.checkpoint_every=3", "metrics.during=[]", "metrics.final=[]"};
    if (GetParam() == "dfc_vae")
        ov.push_back("framework.feature_extractor=" + write_tiny_extractor(tmp / "extractor.pt"));
    if (GetParam() == "dfc_vae") ov.push_back("framework.feature_layers=[0, 1]");
    const auto catalog = train::build_catalog();
    auto cfg = config::resolve_file(source_path("experiments/frameworks/" + GetParam() + ".yaml"), ov, catalog);
    train::TrainOptions o;
    o.progress = "lines";
    o.out = &log;
    o.run_dir = tmp / "a";
    ASSERT_EQ(train::train_new(cfg, o).status, train::TrainStatus::Finished) << log.str();
    EXPECT_EQ(train::read_checkpoint_info(tmp / "a/checkpoints/last.pt").step, 3);
    o.run_dir = tmp / "b";
    o.stop_after = 2;
    ASSERT_EQ(train::train_new(cfg, o).status, train::TrainStatus::Interrupted);
    o.stop_after = -1;
    ASSERT_EQ(train::resume_run(catalog, o).status, train::TrainStatus::Finished) << log.str();
    auto a = io::CsvTable::load(tmp / "a/train.csv"), b = io::CsvTable::load(tmp / "b/train.csv");
    ASSERT_EQ(a.rows.size(), 3u);
    ASSERT_EQ(b.rows.size(), 3u);
    const int losses_end = a.column("steps_per_s");
    for (size_t i = 0; i < 3; ++i)
        for (int c = 1; c < losses_end; ++c) {
            EXPECT_EQ(a.rows[i][c], b.rows[i][c]) << "row " << i << " col " << a.header[c];
            EXPECT_NE(a.rows[i][c], "nan") << a.header[c];
        }
}

INSTANTIATE_TEST_SUITE_P(Shipped, FrameworkSpec, ::testing::ValuesIn(spec_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });
