// The BLAS LibTorch computes with: detected from the loaded shared objects, its pool sized by
// train.blas_threads, and a one-line warning when the reference BLAS is loaded.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/blas.hpp"
#include "test_util.hpp"
#include "train/experiment.hpp"

using namespace disent;
namespace fs = std::filesystem;

namespace {

const std::string kBin = std::string(DISENT_BINARY_DIR) + "/disent-run";
const std::string kReferenceDir = "/usr/lib/x86_64-linux-gnu/blas";  // Debian's libblas3

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

size_t count(const std::string& s, const std::string& part) {
    size_t n = 0;
    for (size_t p = s.find(part); p != std::string::npos; p = s.find(part, p + 1)) ++n;
    return n;
}

// Runs a 1-step training with `env` in front of the command; stdout and stderr go to separate files.
int train_one_step(const std::string& env, const disent::testing::TempDir& tmp) {
    const std::string cmd = env + " '" + kBin + "' train '" + disent::testing::source_path("experiments/quickstart.yaml") +
                            "' device=cpu train.steps=1 train.batch_size=2 metrics.during=[] metrics.final=[] "
                            "--progress lines --out '" + tmp / "run" + "' >'" + tmp / "out" +
                            "' 2>'" + tmp / "err" + "'";
    return std::system(cmd.c_str());
}

bool loads_libblas(const BlasInfo& b) { return fs::path(b.library).filename().string().rfind("libblas.so", 0) == 0; }

}  // namespace

TEST(Blas, DetectsTheLoadedLibraryAndSizesOpenBlasPool) {
    const BlasInfo b = detect_blas();  // this test links LibTorch, which loads its BLAS
    if (b.kind == BlasKind::None) GTEST_SKIP() << "this LibTorch loads no shared BLAS (PyTorch's bundles its own)";
    ASSERT_TRUE(fs::exists(b.library)) << b.library;
    if (b.kind != BlasKind::OpenBlas) GTEST_SKIP() << "BLAS here is " << describe(b) << ", not OpenBLAS";
    EXPECT_NE(b.library.find("openblas"), std::string::npos) << b.library;
    EXPECT_EQ(b.config.rfind("OpenBLAS ", 0), 0u) << b.config;
    ASSERT_TRUE(set_blas_threads(1));
    EXPECT_EQ(detect_blas().threads, 1);
    ASSERT_TRUE(set_blas_threads(2));
    EXPECT_EQ(detect_blas().threads, 2);
    EXPECT_EQ(reference_blas_warning(b), "");
}

TEST(Blas, TrainThreadsKeysSizeBothPools) {
    Params p;
    p.set("threads", int64_t{1});
    p.set("blas_threads", int64_t{2});
    const std::string desc = train::apply_threads(p);
    EXPECT_EQ(torch::get_num_threads(), 1);
    EXPECT_EQ(desc.rfind("LibTorch 1 thread, BLAS ", 0), 0u) << desc;
    if (detect_blas().kind == BlasKind::OpenBlas) {
        EXPECT_EQ(detect_blas().threads, 2);
        EXPECT_NE(desc.find(", 2 threads"), std::string::npos) << desc;
    }
    p.set("threads", int64_t{2});
    p.set("blas_threads", int64_t{0});  // auto: one BLAS thread beside LibTorch's pool
    train::apply_threads(p);
    EXPECT_EQ(torch::get_num_threads(), 2);
    if (detect_blas().kind == BlasKind::OpenBlas) EXPECT_EQ(detect_blas().threads, 1);
    if (std::getenv("OMP_NUM_THREADS") || std::getenv("OPENBLAS_NUM_THREADS"))
        GTEST_SKIP() << "the environment sizes the pools";
    p.set("threads", int64_t{0});  // auto: every CPU of the affinity mask
    torch::set_num_threads(1);
    train::apply_threads(p);
    EXPECT_EQ(torch::get_num_threads(), available_cpus());
    EXPECT_GE(available_cpus(), 1);
}

TEST(Blas, RunLogNamesTheBlasAndReferenceBlasWarnsOnceOnStderr) {
    if (!fs::exists(kBin)) GTEST_SKIP() << "disent-run not built";
    if (!loads_libblas(detect_blas())) GTEST_SKIP() << "this LibTorch does not compute through libblas.so.3";
    disent::testing::TempDir tmp;
    ASSERT_EQ(train_one_step("", tmp), 0) << slurp(tmp / "err");
    const std::string out = slurp(tmp / "out");
    EXPECT_NE(out.find("| LibTorch "), std::string::npos) << out;
    EXPECT_NE(out.find(", BLAS "), std::string::npos) << out;
    EXPECT_EQ(count(slurp(tmp / "err"), "reference BLAS"), detect_blas().kind == BlasKind::Reference ? 1u : 0u);

    if (!fs::exists(kReferenceDir + "/libblas.so.3")) GTEST_SKIP() << "Debian's reference BLAS (libblas3) not installed";
    disent::testing::TempDir ref;
    ASSERT_EQ(train_one_step("LD_LIBRARY_PATH=" + kReferenceDir, ref), 0) << slurp(ref / "err");
    const std::string err = slurp(ref / "err");
    EXPECT_EQ(count(err, "warning: the reference BLAS is loaded (" + kReferenceDir + "/libblas.so.3"), 1u) << err;
    EXPECT_EQ(count(err, "\n"), 1u) << err;  // one line, nothing else on stderr
    EXPECT_NE(slurp(ref / "out").find("reference BLAS (" + kReferenceDir + "/libblas.so.3"), std::string::npos);
}
