// Factor spaces far larger than memory: README's own `dataset.grid_spacing=…` override on the quickstart spec.
// Spacing 2 has 29^6 ≈ 5.9·10^8 observations, spacing 1 57^6 ≈ 3.4·10^10; training must reach its batches
// at O(batch) cost (the epoch order is a keyed bijection, never a table of all N indices).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "io/csv_table.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using disent::testing::TempDir;

namespace {

const std::string kBin = std::string(DISENT_BINARY_DIR) + "/disent-run";

struct Finished {
    int exit_code = -1;
    long peak_rss_kb = 0;
};

// Runs `disent-run args...` (stdout and stderr to `log`) and reports its exit code and peak resident memory.
Finished run(const std::vector<std::string>& args, const std::string& log) {
    pid_t pid = fork();
    if (pid == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        std::vector<char*> argv{const_cast<char*>(kBin.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(kBin.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ru.ru_maxrss};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

class LargeFactorSpace : public ::testing::TestWithParam<int> {};

TEST_P(LargeFactorSpace, TrainsWithoutTabulatingTheSpace) {
    if (!fs::exists(kBin)) GTEST_SKIP() << "disent-run not built";
    TempDir tmp;
    const std::string spacing = std::to_string(GetParam());
    const Finished f = run({"train", disent::testing::source_path("experiments/quickstart.yaml"), "device=cpu",
                            "dataset.grid_spacing=" + spacing, "train.steps=3", "train.batch_size=8", "train.log_every=1",
                            "metrics.during=[]", "metrics.final=[]", "--progress", "lines", "--out", tmp / "run"},
                           tmp / "log");
    ASSERT_EQ(f.exit_code, 0) << slurp(tmp / "log");
    EXPECT_EQ(disent::io::CsvTable::load(tmp / "run/train.csv").rows.size(), 3u);
    // A table of every index would be 8 bytes × 5.9·10^8 = 4.7 GB (spacing 2) or 270 GB (spacing 1); the
    // run itself (LibTorch, the model, 8-image batches) needs a few hundred MB.
    EXPECT_LT(f.peak_rss_kb, 1024L * 1024L) << "peak RSS " << f.peak_rss_kb << " kB";
}

INSTANTIATE_TEST_SUITE_P(Spacing, LargeFactorSpace, ::testing::Values(2, 1));
