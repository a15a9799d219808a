// A table of bad inputs: each must exit with code 2 and print exactly one line on stderr that names
// the file/override, the key or value, and what was expected — before any output directory exists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.hpp"
#include "test_util.hpp"

using disent::testing::TempDir;
using disent::testing::source_path;
namespace fs = std::filesystem;

namespace {

struct BadInput {
    const char* what;
    std::string spec;                    // spec file contents ("" = use the quickstart spec)
    std::vector<std::string> overrides;  // command-line overrides
    std::vector<std::string> expect;     // fragments the error line must contain
};

}  // namespace

TEST(BadInput, EveryRowExitsTwoWithOneLineNamingTheProblem) {
    const std::vector<BadInput> rows = {
        {"unknown key with suggestion", "train:\n  steps: 3\n  batchsize: 4\n", {}, {"spec.yaml:3", "'train.batchsize'", "did you mean 'train.batch_size'"}},
        {"unknown section", "trainer:\n  steps: 3\n", {}, {"spec.yaml:1", "'trainer'", "did you mean 'train'"}},
        {"wrong type", "train:\n  steps: ten\n", {}, {"spec.yaml:2", "'train.steps'", "'ten'", "expected int"}},
        {"out of range", "", {"train.batch_size=0"}, {"override 'train.batch_size=0'", "expected int >= 1"}},
        {"float out of range", "", {"framework.beta=-0.5"}, {"'framework.beta'", "'-0.5'", ">= 0"}},
        {"bad choice", "", {"framework.loss_reduction=sum"}, {"'framework.loss_reduction'", "'sum'", "mean, mean_sum"}},
        {"unknown framework", "framework: betavae\n", {}, {"spec.yaml:1", "'betavae'", "did you mean 'beta_vae'"}},
        {"unknown dataset", "", {"dataset=xysqares"}, {"'xysqares'", "did you mean 'xysquares'"}},
        {"framework/sampler mismatch", "framework: ada_vae\nsampler: single\n", {}, {"framework 'ada_vae' needs input mode 'pair'", "sampler 'single'"}},
        {"triplet framework, pair sampler", "framework: tvae\nsampler: gt_pair\n", {}, {"framework 'tvae' needs input mode 'triplet'", "sampler 'gt_pair' gives 'pair'"}},
        {"dfc_vae without extractor", "", {"framework=dfc_vae"}, {"'framework.feature_extractor'", "TorchScript"}},
        {"info_vae with mean_sum", "framework:\n  name: info_vae\n  loss_reduction: mean_sum\n", {}, {"'framework.loss_reduction'", "info_vae", "requires mean"}},
        {"unknown schedule", "schedules:\n  - {key: framework.beta, name: cyclik, period: 10}\n", {}, {"spec.yaml:2", "cyclik", "did you mean 'cyclic'"}},
        {"model/dataset mismatch", "", {"dataset.image_size=32", "dataset.square_size=4"}, {"model 'conv64' needs 64x64 images", "32x32"}},
        {"impossible dataset", "", {"dataset.square_size=70"}, {"square_size", "70"}},
        {"unknown recon loss", "recon_loss: mse_blur\n", {}, {"spec.yaml:1", "'recon_loss'", "mse_blur"}},
        {"bad kernel", "", {"recon_loss=mse_box_rx"}, {"recon_loss", "mse_box_rx"}},
        {"bad device", "", {"device=gpu0"}, {"'device'", "gpu0", "auto, cpu, cuda or cuda:N"}},
        {"bad override syntax", "", {"train.steps"}, {"override 'train.steps'", "key.path=value"}},
        {"too deep override", "", {"train.steps.max=3"}, {"too deep"}},
        {"unknown metric", "", {"metrics.final=[mig, dcii]"}, {"'dcii'", "did you mean 'dci'"}},
        {"malformed YAML", "train: [1, 2\n", {}, {"spec.yaml", "invalid YAML"}},
        {"section not a mapping", "train: 5\n", {}, {"spec.yaml:1", "'train' must be a mapping"}},
        {"param not taken by component", "framework:\n  name: ae\n  beta: 0.1\n", {}, {"'framework.beta' is unknown for framework 'ae'"}},
    };
    TempDir tmp;
    for (const auto& row : rows) {
        std::string spec = source_path("experiments/quickstart.yaml");
        if (!row.spec.empty()) {
            spec = tmp / "spec.yaml";
            std::ofstream(spec) << row.spec;
        }
        std::vector<std::string> args = {"train", spec};
        args.insert(args.end(), row.overrides.begin(), row.overrides.end());
        args.insert(args.end(), {"--out", tmp / "run", "--progress", "none"});
        std::ostringstream out, err;
        const int code = disent::cli::run_cli(args, out, err);
        const std::string e = err.str();
        EXPECT_EQ(code, 2) << row.what << ": " << e;
        EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 1) << row.what << ": " << e;
        for (const auto& frag : row.expect) EXPECT_NE(e.find(frag), std::string::npos) << row.what << ": missing '" << frag << "' in " << e;
        EXPECT_FALSE(fs::exists(tmp / "run")) << row.what << ": output written before the error";
    }
}

TEST(BadInput, DamagedFilesGiveClearErrors) {
    TempDir tmp;
    std::ostringstream out, err;
    // a spec path that does not exist, a run directory without a run, a corrupted checkpoint
    EXPECT_EQ(disent::cli::run_cli({"train", tmp / "missing.yaml"}, out, err), 2);
    EXPECT_NE(err.str().find("missing.yaml"), std::string::npos);
    err.str("");
    EXPECT_EQ(disent::cli::run_cli({"resume", tmp.path()}, out, err), 2);
    EXPECT_NE(err.str().find("not a run directory"), std::string::npos);
    fs::create_directories(tmp / "run/checkpoints");
    {
        std::ifstream in(source_path("experiments/quickstart.yaml"));
        std::ofstream(tmp / "run/config.yaml") << in.rdbuf();
    }
    std::ofstream(tmp / "run/checkpoints/last.pt") << "PK\x03\x04 definitely not a checkpoint";
    err.str("");
    EXPECT_EQ(disent::cli::run_cli({"resume", tmp / "run", "--progress", "none"}, out, err), 2);
    EXPECT_NE(err.str().find("not a disent-run checkpoint"), std::string::npos) << err.str();
    EXPECT_NE(err.str().find("last.pt"), std::string::npos) << err.str();
    // an npz that is not one
    std::ofstream(tmp / "x.npz") << "not a zip";
    err.str("");
    EXPECT_EQ(disent::cli::run_cli({"data", "export", "xysquares", "--indices", "0", "--out", tmp / "dir-that-is-missing/x.npz"}, out, err), 2);
    EXPECT_NE(err.str().find("x.npz"), std::string::npos) << err.str();
}
