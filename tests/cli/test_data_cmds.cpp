// `data prepare`, `data info`, `data stats` in-process: a small MPI3D-format fixture registered as an extra
// spec (test_mpi3d), prepared with an explicit --expect-md5, then inspected; and the spec constants.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "cli/cli.hpp"
#include "data/md5.hpp"
#include "data/real_datasets.hpp"
#include "data/registry.hpp"
#include "io/npz.hpp"
#include "cli_runner.hpp"
#include "test_util.hpp"

using namespace disent;
using disent::testing::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr auto& run_data = disent::testing::run_cli_captured;

// A 2x3x2 MPI3D-style spec with 4x4 RGB images, added once.
const data::RealDatasetSpec& test_spec() {
    data::register_all();
    if (const auto* s = data::find_real_dataset("test_mpi3d")) return *s;
    data::RealDatasetSpec s = *data::find_real_dataset("mpi3d_toy");
    s.key = "test_mpi3d";
    s.factor_sizes = {2, 1, 1, 1, 1, 3, 2};
    s.height = s.width = 4;
    data::real_dataset_specs().push_back(s);
    return data::real_dataset_specs().back();
}

void write_fixture(const std::string& dir) {
    std::vector<uint8_t> imgs;
    for (int i = 0; i < 12; ++i)
        for (int p = 0; p < 48; ++p) imgs.push_back(static_cast<uint8_t>(i * 20 + (p % 3) * 5));
    io::write_npz(dir + "/mpi3d_toy.npz", {{"images", io::make_array(imgs, {12, 4, 4, 3})}});
}

}  // namespace

TEST(DataCommands, PrepareInfoStats) {
    test_spec();
    TempDir src, root;
    write_fixture(src.path());
    const std::string md5 = data::file_hash(src / "mpi3d_toy.npz", "fast");

    auto info = run_data({"data", "info", "test_mpi3d", "--root", root.path()});
    EXPECT_EQ(info.code, 0) << info.err;
    EXPECT_NE(info.out.find("object_color=2"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("prepared:     no"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("mpi3d_toy.npz"), std::string::npos) << info.out;

    // the published checksum does not match the fixture
    auto bad = run_data({"data", "prepare", "test_mpi3d", "--source", src.path(), "--root", root.path()});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("checksum mismatch"), std::string::npos) << bad.err;
    EXPECT_FALSE(fs::exists(root / "mpi3d/test_mpi3d.h5"));
    auto missing = run_data({"data", "prepare", "test_mpi3d", "--source", root.path(), "--root", root.path()});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("missing source file"), std::string::npos) << missing.err;

    auto ok = run_data({"data", "prepare", "test_mpi3d", "--source", src.path(), "--root", root.path(), "--expect-md5",
                        "mpi3d_toy.npz=" + md5});
    ASSERT_EQ(ok.code, 0) << ok.err;
    EXPECT_NE(ok.out.find("created"), std::string::npos) << ok.out;
    EXPECT_TRUE(fs::exists(root / "mpi3d/test_mpi3d.h5"));
    auto again = run_data({"data", "prepare", "test_mpi3d", "--source", src.path(), "--root", root.path(), "--hash", "full",
                           "--expect-md5", "mpi3d_toy.npz=" + data::file_hash(src / "mpi3d_toy.npz", "full")});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;

    info = run_data({"data", "info", "test_mpi3d", "--root", root.path()});
    EXPECT_NE(info.out.find("prepared:     yes"), std::string::npos) << info.out;

    // stats over the 12 images: channel c has constant value i*20 + 5c per image -> std 0
    auto st = run_data({"data", "stats", "test_mpi3d", "--root", root.path()});
    ASSERT_EQ(st.code, 0) << st.err;
    const double m0 = (110.0) / 255.0;  // mean of i*20 for i in 0..11
    std::ostringstream want;
    want.precision(17);
    want << "mean: " << m0;
    EXPECT_NE(st.out.find(want.str()), std::string::npos) << st.out;
    EXPECT_NE(st.out.find("std:  0, 0, 0"), std::string::npos) << st.out;
}

TEST(DataCommands, StatsReproduceSpecConstants) {
    auto r = run_data({"data", "stats", "xysquares", "rgb=false"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("262144 images (all)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mean: 0.046146392822265"), std::string::npos) << r.out;
    auto pos = r.out.find("max |difference|: ");
    ASSERT_NE(pos, std::string::npos);
    EXPECT_LT(std::stod(r.out.substr(pos + 18)), 1e-6) << r.out;
    auto s = run_data({"data", "stats", "xyobject", "--samples", "2000", "--seed", "3"});
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_NE(s.out.find("2000 sampled images"), std::string::npos) << s.out;
    auto e = run_data({"data", "stats", "xyobject", "pallete=rgb_4"});
    EXPECT_EQ(e.code, 2);
    auto i = run_data({"data", "info", "xyblocks"});
    EXPECT_EQ(i.code, 0);
    EXPECT_NE(i.out.find("color-2=3"), std::string::npos) << i.out;
    EXPECT_NE(i.out.find("nothing to prepare"), std::string::npos) << i.out;
}
