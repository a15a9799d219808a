#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "io/npz.hpp"
#include "io_test_util.hpp"

using namespace disent;
using namespace disent::io;
using disent::io::testing::read_raw;
using disent::io::testing::run_python;
using disent::io::testing::TempDir;
using disent::io::testing::write_raw;

namespace {

std::map<std::string, NpyArray> sample_arrays() {
    std::vector<uint8_t> imgs(2 * 3 * 4);
    for (size_t i = 0; i < imgs.size(); ++i) imgs[i] = static_cast<uint8_t>(i * 11 % 251);
    std::map<std::string, NpyArray> m;
    m["imgs"] = make_array(imgs, {2, 3, 4});
    m["idx"] = make_array(std::vector<int64_t>{-3, 0, 5, int64_t(1) << 40});
    m["z"] = make_array(std::vector<float>{0.5f, -1.25f, 3e-8f, std::numeric_limits<float>::infinity()}, {2, 2});
    m["pi"] = make_array(std::vector<double>{3.141592653589793}, {});
    m["empty"] = make_array(std::vector<float>{}, {0, 3});
    m["i32"] = make_array(std::vector<int32_t>{-2147483647 - 1, 0, 2147483647});
    return m;
}

void expect_same(const std::map<std::string, NpyArray>& a, const std::map<std::string, NpyArray>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, arr] : a) {
        auto it = b.find(name);
        ASSERT_NE(it, b.end()) << name;
        EXPECT_EQ(it->second.dtype, arr.dtype) << name;
        EXPECT_EQ(it->second.shape, arr.shape) << name;
        EXPECT_EQ(it->second.data, arr.data) << name;
    }
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Npz, RoundTripsCompressedAndStored) {
    TempDir dir;
    auto arrays = sample_arrays();
    for (bool compress : {true, false}) {
        std::string path = dir.file(compress ? "c.npz" : "s.npz");
        write_npz(path, arrays, compress);
        expect_same(arrays, read_npz(path));
        EXPECT_EQ(npz_names(path).size(), arrays.size());
        auto some = read_npz(path, {"pi", "imgs"});
        EXPECT_EQ(some.size(), 2u);
        EXPECT_EQ(as_doubles(some.at("pi")), std::vector<double>{3.141592653589793});
    }
    // Stored archives hold the raw .npy bytes, compressed ones are smaller for compressible data.
    std::string stored = read_raw(dir.file("s.npz"));
    EXPECT_NE(stored.find(encode_npy(arrays.at("imgs"))), std::string::npos);
    std::map<std::string, NpyArray> zeros{{"z", make_array(std::vector<uint8_t>(100000, 0))}};
    write_npz(dir.file("zc.npz"), zeros, true);
    write_npz(dir.file("zs.npz"), zeros, false);
    EXPECT_LT(read_raw(dir.file("zc.npz")).size() * 20, read_raw(dir.file("zs.npz")).size());
    // Reproducible bytes; no temp files left.
    write_npz(dir.file("again.npz"), arrays, true);
    EXPECT_EQ(read_raw(dir.file("again.npz")), read_raw(dir.file("c.npz")));
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"again.npz", "c.npz", "s.npz", "zc.npz", "zs.npz"}));
}

TEST(Npz, EmptyArchive) {
    TempDir dir;
    write_npz(dir.file("e.npz"), {});
    EXPECT_TRUE(read_npz(dir.file("e.npz")).empty());
    EXPECT_TRUE(npz_names(dir.file("e.npz")).empty());
}

TEST(Npz, ErrorsNameTheFileAndArray) {
    TempDir dir;
    std::string missing = dir.file("missing.npz");
    std::string e = error_of([&] { read_npz(missing); });
    EXPECT_NE(e.find("'" + missing + "'"), std::string::npos) << e;
    write_raw(dir.file("text.npz"), "this is not a zip file at all, just some text\n");
    e = error_of([&] { read_npz(dir.file("text.npz")); });
    EXPECT_NE(e.find("text.npz"), std::string::npos) << e;
    EXPECT_NE(e.find("Not a zip archive"), std::string::npos) << e;

    write_npz(dir.file("a.npz"), sample_arrays());
    e = error_of([&] { read_npz(dir.file("a.npz"), {"imgs", "labels"}); });
    EXPECT_EQ(e, "npz '" + dir.file("a.npz") + "' has no array 'labels' (it has: empty, i32, idx, imgs, pi, z)");
    EXPECT_THROW(write_npz(dir.file("nodir/x.npz"), sample_arrays()), UserError);
    EXPECT_THROW(write_npz(dir.file("x.npz"), {{"", make_array(std::vector<float>{1})}}), std::invalid_argument);
    NpyArray bad = make_array(std::vector<float>{1, 2});
    bad.shape = {3};
    EXPECT_THROW(write_npz(dir.file("x.npz"), {{"bad", bad}}), std::invalid_argument);
}

TEST(Npz, TruncatedFilesAreUserErrors) {
    TempDir dir;
    for (bool compress : {true, false}) {
        write_npz(dir.file("ok.npz"), sample_arrays(), compress);
        std::string good = read_raw(dir.file("ok.npz"));
        for (size_t len = 0; len < good.size(); ++len) {
            write_raw(dir.file("cut.npz"), good.substr(0, len));
            EXPECT_THROW(read_npz(dir.file("cut.npz")), UserError) << "compress " << compress << " length " << len;
        }
    }
}

// Flip every byte of a valid archive: each result must be a UserError or decode to exactly the
// original arrays (when the flip hit something irrelevant such as a timestamp) - never a crash, never
// another exception, never silently wrong data.
TEST(Npz, CorruptedFilesAreDetected) {
    TempDir dir;
    auto arrays = sample_arrays();
    for (bool compress : {true, false}) {
        write_npz(dir.file("ok.npz"), arrays, compress);
        std::string good = read_raw(dir.file("ok.npz"));
        int detected = 0, harmless = 0;
        for (size_t pos = 0; pos < good.size(); ++pos) {
            std::string bad = good;
            bad[pos] = static_cast<char>(bad[pos] ^ 0x21);
            write_raw(dir.file("bad.npz"), bad);
            try {
                auto got = read_npz(dir.file("bad.npz"));
                expect_same(arrays, got);
                if (::testing::Test::HasFailure()) {
                    ADD_FAILURE() << "silent corruption: compress " << compress << " byte " << pos;
                    return;
                }
                ++harmless;
            } catch (const UserError&) {
                ++detected;
            }
        }
        EXPECT_GT(detected, static_cast<int>(good.size()) / 2) << "compress " << compress;
        (void)harmless;
    }
}

// The npz we write loads in NumPy with the right names, dtypes, shapes and values.
TEST(Npz, NumpyReadsOurFiles) {
    if (!disent::io::testing::python_has("numpy")) GTEST_SKIP() << "python3 with numpy not available";
    TempDir dir;
    write_npz(dir.file("c.npz"), sample_arrays(), true);
    write_npz(dir.file("s.npz"), sample_arrays(), false);
    write_npz(dir.file("e.npz"), {});
    const char* script = R"PY(
import sys, zipfile, numpy as np
path, method = sys.argv[1], int(sys.argv[2])
with zipfile.ZipFile(path) as z:
    assert all(i.compress_type == method for i in z.infolist()), [i.compress_type for i in z.infolist()]
d = np.load(path, allow_pickle=False)
assert sorted(d.files) == ["empty", "i32", "idx", "imgs", "pi", "z"], d.files
expect = {
    "imgs": (np.arange(24) * 11 % 251).astype("u1").reshape(2, 3, 4),
    "idx": np.array([-3, 0, 5, 1 << 40], dtype="<i8"),
    "z": np.array([0.5, -1.25, 3e-8, np.inf], dtype="<f4").reshape(2, 2),
    "pi": np.array(3.141592653589793, dtype="<f8"),
    "empty": np.zeros((0, 3), dtype="<f4"),
    "i32": np.array([-2**31, 0, 2**31 - 1], dtype="<i4"),
}
for k, v in expect.items():
    a = d[k]
    assert a.dtype.str == v.dtype.str, (k, a.dtype.str, v.dtype.str)
    assert a.shape == v.shape, (k, a.shape, v.shape)
    assert np.array_equal(a, v), (k, a, v)
    assert a.flags.c_contiguous
assert len(np.load(sys.argv[3]).files) == 0
print("OK")
)PY";
    std::string out;
    EXPECT_EQ(run_python(dir, script, {dir.file("c.npz"), "8", dir.file("e.npz")}, out), 0) << out;
    EXPECT_EQ(run_python(dir, script, {dir.file("s.npz"), "0", dir.file("e.npz")}, out), 0) << out;
}

// Files written by np.savez / np.savez_compressed read back exactly; unsupported layouts are clear errors.
TEST(Npz, ReadsNumpyFiles) {
    if (!disent::io::testing::python_has("numpy")) GTEST_SKIP() << "python3 with numpy not available";
    TempDir dir;
    const char* script = R"PY(
import sys, numpy as np
d = sys.argv[1]
a = dict(
    u1=(np.arange(5 * 64 * 64) % 256).astype(np.uint8).reshape(5, 64, 64),
    b1=np.array([True, False, True]),
    i1=np.array([-128, 127], dtype=np.int8),
    i2=np.array([-32768, 5], dtype=np.int16),
    u2=np.array([65535, 1], dtype=np.uint16),
    i4=np.arange(-6, 6, dtype=np.int32).reshape(3, 4),
    u4=np.array([4294967295], dtype=np.uint32),
    i8=np.array([-(2**62), 2**62], dtype=np.int64),
    u8=np.array([2**64 - 1, 3], dtype=np.uint64),
    f4=(np.arange(12, dtype=np.float32) / 7).reshape(2, 3, 2),
    f8=np.linspace(-1, 1, 9),
    scalar=np.float64(2.5),
    empty=np.zeros((3, 0), dtype=np.float32),
    sliced=np.arange(20, dtype=np.int64).reshape(4, 5)[:, 1:4],
)
np.savez_compressed(d + "/c.npz", **a)
np.savez(d + "/s.npz", **a)
np.savez(d + "/pos.npz", np.arange(3))
np.savez(d + "/fortran.npz", f=np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.savez(d + "/big_endian.npz", be=np.arange(4, dtype=">f4"))
np.savez(d + "/object.npz", good=np.arange(4, dtype=np.float32), meta=np.array([{"a": 1}], dtype=object))
print("OK")
)PY";
    std::string out;
    ASSERT_EQ(run_python(dir, script, {dir.path()}, out), 0) << out;

    for (const char* name : {"c.npz", "s.npz"}) {
        SCOPED_TRACE(name);
        auto m = read_npz(dir.file(name));
        ASSERT_EQ(m.size(), 14u);
        const NpyArray& u1 = m.at("u1");
        EXPECT_EQ(u1.dtype, "|u1");
        EXPECT_EQ(u1.shape, (std::vector<int64_t>{5, 64, 64}));
        for (size_t i = 0; i < u1.data.size(); ++i) ASSERT_EQ(u1.data[i], i % 256) << i;
        EXPECT_EQ(m.at("b1").dtype, "|b1");
        EXPECT_EQ(as_int64(m.at("b1")), (std::vector<int64_t>{1, 0, 1}));
        EXPECT_EQ(as_int64(m.at("i1")), (std::vector<int64_t>{-128, 127}));
        EXPECT_EQ(as_int64(m.at("i2")), (std::vector<int64_t>{-32768, 5}));
        EXPECT_EQ(as_int64(m.at("u2")), (std::vector<int64_t>{65535, 1}));
        EXPECT_EQ(m.at("i4").dtype, "<i4");
        EXPECT_EQ(m.at("i4").shape, (std::vector<int64_t>{3, 4}));
        std::vector<int64_t> i4;
        for (int v = -6; v < 6; ++v) i4.push_back(v);
        EXPECT_EQ(as_int64(m.at("i4")), i4);
        EXPECT_EQ(as_int64(m.at("u4")), (std::vector<int64_t>{4294967295LL}));
        EXPECT_EQ(as_int64(m.at("i8")), (std::vector<int64_t>{-(int64_t(1) << 62), int64_t(1) << 62}));
        EXPECT_EQ(m.at("u8").dtype, "<u8");
        EXPECT_THROW(as_int64(m.at("u8")), UserError);
        EXPECT_EQ(as_doubles(m.at("u8"))[1], 3.0);
        std::vector<float> f4;
        for (int v = 0; v < 12; ++v) f4.push_back(static_cast<float>(v) / 7.0f);
        EXPECT_EQ(m.at("f4").shape, (std::vector<int64_t>{2, 3, 2}));
        EXPECT_EQ(as_floats(m.at("f4")), f4);
        std::vector<double> f8 = as_doubles(m.at("f8"));
        ASSERT_EQ(f8.size(), 9u);
        EXPECT_EQ(f8[0], -1.0);
        EXPECT_EQ(f8[4], 0.0);
        EXPECT_EQ(f8[6], 0.5);
        EXPECT_EQ(m.at("scalar").shape, std::vector<int64_t>{});
        EXPECT_EQ(as_doubles(m.at("scalar")), std::vector<double>{2.5});
        EXPECT_EQ(m.at("empty").shape, (std::vector<int64_t>{3, 0}));
        EXPECT_TRUE(m.at("empty").data.empty());
        EXPECT_EQ(as_int64(m.at("sliced")), (std::vector<int64_t>{1, 2, 3, 6, 7, 8, 11, 12, 13, 16, 17, 18}));
    }
    EXPECT_EQ(npz_names(dir.file("pos.npz")), std::vector<std::string>{"arr_0"});

    std::string e = error_of([&] { read_npz(dir.file("fortran.npz")); });
    EXPECT_EQ(e.rfind("'" + dir.file("fortran.npz") + "' array 'f': Fortran-ordered", 0), 0u) << e;
    e = error_of([&] { read_npz(dir.file("big_endian.npz")); });
    EXPECT_EQ(e.rfind("'" + dir.file("big_endian.npz") + "' array 'be': big-endian dtype '>f4'", 0), 0u) << e;
    e = error_of([&] { read_npz(dir.file("object.npz")); });
    EXPECT_EQ(e.rfind("'" + dir.file("object.npz") + "' array 'meta': unsupported dtype '|O'", 0), 0u) << e;
    // Selecting arrays skips the pickled one.
    auto good = read_npz(dir.file("object.npz"), {"good"});
    EXPECT_EQ(as_floats(good.at("good")), (std::vector<float>{0, 1, 2, 3}));
}
