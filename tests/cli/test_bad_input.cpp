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

// Runs the CLI in-process: exit code 2 and exactly one line on stderr holding every fragment. Returns stdout.
std::string expect_refused(const std::vector<std::string>& args, const std::string& what, const std::vector<std::string>& expect) {
    std::ostringstream out, err;
    const int code = disent::cli::run_cli(args, out, err);
    const std::string e = err.str();
    EXPECT_EQ(code, 2) << what << ": " << e;
    EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 1) << what << ": " << e;
    for (const auto& frag : expect) EXPECT_NE(e.find(frag), std::string::npos) << what << ": missing '" << frag << "' in " << e;
    return out.str();
}

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
        expect_refused(args, row.what, row.expect);
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

// Configs never become code: hostile values for the SLURM batch script (issue #17), from a sweep file or
// the command line of `sweep submit --dry-run`. Each is refused with exit 2 and one line naming the
// file:line (or the option), the key and the value (control bytes escaped); no script is printed.
TEST(BadInput, HostileSlurmValuesNeverReachTheBatchScript) {
    struct Row {
        const char* what;
        std::string sweep;               // sweep file contents after "base: <quickstart>\n"
        std::vector<std::string> args;   // extra `sweep submit` arguments
        std::vector<std::string> expect;
    };
    const std::vector<Row> rows = {
        {"newline in partition", "slurm: {partition: \"gpu\\ntouch /tmp/x\\n#\"}\n", {},
         {"s.yaml:2: 'slurm.partition' is 'gpu\\ntouch /tmp/x\\n#'", "expected a SLURM partition name"}},
        {"newline in out", "out: \"/tmp/o\\nmkdir /tmp/y\\n#\"\n", {}, {"s.yaml:2: 'out' is '/tmp/o\\nmkdir /tmp/y\\n#'", "without control characters"}},
        {"newline in extra", "slurm:\n  extra: [\"--exclude=n1\\ntouch /tmp/e\\n#\"]\n", {},
         {"s.yaml:3: 'slurm.extra' is '--exclude=n1\\ntouch /tmp/e\\n#'", "one sbatch option per entry"}},
        {"command substitution in time", "slurm: {time: \"01:00:00$(touch /tmp/z)\"}\n", {},
         {"s.yaml:2: 'slurm.time' is '01:00:00$(touch /tmp/z)'", "expected a SLURM time"}},
        {"shell syntax in partition", "slurm: {partition: \"gpu; touch /tmp/w\"}\n", {},
         {"s.yaml:2: 'slurm.partition' is 'gpu; touch /tmp/w'", "[A-Za-z0-9._-]"}},
        {"two options in one extra", "slurm: {extra: \"--exclude=n1 --requeue\"}\n", {}, {"'slurm.extra'", "without whitespace"}},
        {"extra overriding the signal", "slurm: {extra: [\"--signal=B:USR1@1\"]}\n", {}, {"'slurm.extra'", "other than --signal"}},
        {"mem with a bad unit", "slurm: {mem: 32GB}\n", {}, {"s.yaml:2: 'slurm.mem' is '32GB'", "K, M, G or T"}},
        {"cpus wrapping around", "slurm: {cpus: 4294967304}\n", {}, {"s.yaml:2: 'slurm.cpus' is 4294967304", "at most 2147483647"}},
        {"partition option", "", {"--partition", "gpu\ntouch /tmp/x"}, {"sweep submit: --partition is 'gpu\\ntouch /tmp/x'", "SLURM partition name"}},
        {"time option", "", {"--time", "1:00$(id)"}, {"sweep submit: --time is '1:00$(id)'", "SLURM time"}},
        {"account option", "", {"--account", "a b"}, {"sweep submit: --account is 'a b'", "SLURM account name"}},
        {"extra option", "", {"--extra", "--array=0-1000"}, {"sweep submit: --extra is '--array=0-1000'", "other than --array"}},
        {"out option with a space", "", {"--out", "/tmp/a dir"}, {"sweep submit: --out '/tmp/a dir'", "'#SBATCH --output='"}},
        {"out with a % pattern", "out: /tmp/sweep%j\n", {}, {"s.yaml:2: 'out' '/tmp/sweep%j'", "expands '%' patterns"}},
        {"negative cpus", "", {"--cpus", "-2"}, {"--cpus", "-2 not in range 0 to 2147483647"}},
    };
    TempDir tmp;
    for (const auto& row : rows) {
        const std::string file = tmp / "s.yaml";
        std::ofstream(file) << "base: " << source_path("experiments/quickstart.yaml") << "\n" << row.sweep;
        std::vector<std::string> args = {"sweep", "submit", file, "--dry-run"};
        args.insert(args.end(), row.args.begin(), row.args.end());
        EXPECT_EQ(expect_refused(args, row.what, row.expect), "") << row.what << ": a script was printed";
    }
}
