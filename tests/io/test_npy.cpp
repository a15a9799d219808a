#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "io/npy.hpp"

using namespace disent;
using namespace disent::io;

namespace {

// .npy bytes with a hand-written header (padded like NumPy unless `pad` is false).
std::string npy_with_header(const std::string& dict, const std::string& data, int major = 1, bool pad = true) {
    size_t prefix = major == 1 ? 10 : 12;
    std::string text = dict;
    if (pad) {
        while ((prefix + text.size() + 1) % 64 != 0) text.push_back(' ');
    }
    text.push_back('\n');
    std::string out("\x93NUMPY", 6);
    out.push_back(static_cast<char>(major));
    out.push_back(0);
    for (size_t i = 0; i < prefix - 8; ++i) out.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xff));
    return out + text + data;
}

template <typename T>
std::string raw(const std::vector<T>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

std::string error_of(const std::string& bytes) {
    try {
        parse_npy(bytes, "'t.npz' array 'a'");
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Npy, EncodesExactBytes) {
    NpyArray a = make_array(std::vector<float>{1, 2, 3, 4, 5, 6}, {2, 3});
    std::string b = encode_npy(a);
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    // 10 + 59 + '\n' > 64, so the header is padded to 128 bytes: length field 118 (byte-identical to np.save).
    ASSERT_EQ(dict.size(), 59u);
    std::string expect_header = std::string("\x93NUMPY\x01\x00", 8) + std::string("\x76\x00", 2) + dict +
                                std::string(128 - 10 - dict.size() - 1, ' ') + "\n";
    ASSERT_EQ(b.size(), 128u + 24u);
    EXPECT_EQ(b.substr(0, 128), expect_header);
    EXPECT_EQ(b.substr(128), raw(std::vector<float>{1, 2, 3, 4, 5, 6}));

    EXPECT_NE(npy_header(make_array(std::vector<double>{1.5}, {})).find("'shape': (), }"), std::string::npos);
    EXPECT_NE(npy_header(make_array(std::vector<int64_t>{1, 2, 3}))
                  .find("'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"),
              std::string::npos);
    EXPECT_NE(npy_header(make_array(std::vector<uint8_t>{}, {0, 4}))
                  .find("'descr': '|u1', 'fortran_order': False, 'shape': (0, 4), }"),
              std::string::npos);
    // Data always starts on a 64-byte boundary.
    for (int nd = 0; nd < 40; ++nd) {
        std::vector<int64_t> shape(nd, 1);
        EXPECT_EQ(npy_header(make_array(std::vector<int32_t>{7}, shape)).size() % 64, 0u) << nd;
    }
}

TEST(Npy, RoundTripsEveryDtype) {
    std::vector<NpyArray> arrays = {
        make_array(std::vector<uint8_t>{0, 1, 255}, {3}),
        make_array(std::vector<int32_t>{-5, 0, 7, std::numeric_limits<int32_t>::max()}, {2, 2}),
        make_array(std::vector<int64_t>{-1, std::numeric_limits<int64_t>::min()}, {2, 1}),
        make_array(std::vector<float>{0.5f, -2.25f}, {1, 2, 1}),
        make_array(std::vector<double>{3.141592653589793}, {}),
        make_array(std::vector<double>{}, {0}),
    };
    for (const char* dt : {"|b1", "|i1", "<u2", "<i2", "<u4", "<u8"}) {
        NpyArray a;
        a.dtype = dt;
        a.shape = {2};
        a.data.assign(2 * a.itemsize(), 1);
        arrays.push_back(a);
    }
    for (const NpyArray& a : arrays) {
        NpyArray b = parse_npy(encode_npy(a), "x");
        EXPECT_EQ(b.dtype, a.dtype);
        EXPECT_EQ(b.shape, a.shape);
        EXPECT_EQ(b.data, a.data);
    }
}

TEST(Npy, ParsesHeaderVariants) {
    std::string one = raw(std::vector<float>{1.0f});
    // Spelling of single-byte and native types, key order, quotes, whitespace, Python 2 longs.
    EXPECT_EQ(parse_npy(npy_with_header("{'descr': 'u1', 'fortran_order': False, 'shape': (2,), }", "ab"), "x").dtype,
              "|u1");
    EXPECT_EQ(parse_npy(npy_with_header("{'descr': '>u1', 'fortran_order': False, 'shape': (2,), }", "ab"), "x").dtype,
              "|u1");
    EXPECT_EQ(parse_npy(npy_with_header("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", "\1"), "x").dtype,
              "|b1");
    EXPECT_EQ(parse_npy(npy_with_header("{'descr': '=f4', 'fortran_order': False, 'shape': (1,), }", one), "x").dtype,
              "<f4");
    EXPECT_EQ(
        parse_npy(npy_with_header("{\"shape\": (1L,), \"fortran_order\": False, \"descr\": \"<f4\"}", one), "x").dtype,
        "<f4");
    EXPECT_EQ(
        parse_npy(npy_with_header("{ 'descr' : '<f4' ,'fortran_order':False,'shape':( 1 , 1 ) }", one), "x").shape,
        (std::vector<int64_t>{1, 1}));
    EXPECT_EQ(
        parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", one, 1, false), "x")
            .numel(),
        1u);
    // Versions 2.0 and 3.0 (32-bit header length).
    EXPECT_EQ(
        parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", one, 2), "x").shape,
        (std::vector<int64_t>{1}));
    EXPECT_EQ(parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", one, 3), "x").shape,
              (std::vector<int64_t>{}));
    // Fortran order is harmless when at most one dimension exceeds 1.
    EXPECT_EQ(
        parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", one), "x").numel(), 1u);
}

TEST(Npy, RejectsUnsupportedAndCorruptInput) {
    std::string f4x2 = raw(std::vector<float>{1, 2});
    std::string e = error_of(npy_with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4x2));
    EXPECT_EQ(e.rfind("'t.npz' array 'a': big-endian dtype '>f4'", 0), 0u) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1, 3), }", f4x2 + f4x2 + f4x2));
    EXPECT_EQ(e, "'t.npz' array 'a': Fortran-ordered arrays are not supported; save np.ascontiguousarray(arr) instead");
    e = error_of(npy_with_header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", f4x2));
    EXPECT_NE(e.find("unsupported dtype '<c8'"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "12345678"));
    EXPECT_NE(e.find("unsupported dtype '|O'"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "1234"));
    EXPECT_NE(e.find("structured dtype"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4x2));
    EXPECT_NE(e.find("(truncated)"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4x2));
    EXPECT_NE(e.find("(trailing data)"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", f4x2));
    EXPECT_NE(e.find("non-negative"), std::string::npos) << e;
    e = error_of(
        npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", ""));
    EXPECT_NE(e.find("too large"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", ""));
    EXPECT_NE(e.find("malformed"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'shape': (2,), }", f4x2));
    EXPECT_NE(e.find("needs 'descr', 'fortran_order' and 'shape'"), std::string::npos) << e;
    e = error_of(npy_with_header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", f4x2));
    EXPECT_NE(e.find("unknown name 'Maybe'"), std::string::npos) << e;
    e = error_of(npy_with_header(std::string(40, '(') + std::string(40, ')'), ""));
    EXPECT_NE(e.find("nested too deeply"), std::string::npos) << e;
    EXPECT_NE(error_of("PK\x03\x04 not npy").find("bad magic"), std::string::npos);
    std::string v9 = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4x2);
    v9[6] = 9;
    EXPECT_NE(error_of(v9).find("unsupported .npy format version 9.0"), std::string::npos);
    // A header length field pointing far beyond the data.
    std::string huge = v9;
    huge[6] = 2;
    huge[8] = huge[9] = huge[10] = huge[11] = '\x7f';
    EXPECT_NE(error_of(huge).find("implausible"), std::string::npos) << error_of(huge);
}

TEST(Npy, EveryTruncationOfAValidFileIsRejected) {
    std::string good = encode_npy(make_array(std::vector<int64_t>{1, 2, 3}, {3}));
    for (size_t len = 0; len < good.size(); ++len) {
        EXPECT_THROW(parse_npy(good.substr(0, len), "x"), UserError) << len;
    }
    // Garbage inside the header text never crashes: it either still parses or is a UserError.
    for (size_t pos = 10; pos < 64; ++pos) {
        for (char c : {'\0', '(', ')', '\'', '{', ',', '9', 'x'}) {
            std::string bad = good;
            bad[pos] = c;
            try {
                parse_npy(bad, "x");
            } catch (const UserError&) {
            }
        }
    }
}

TEST(Npy, ConvertsValues) {
    NpyArray f = make_array(std::vector<float>{1.5f, -2.0f}, {2});
    EXPECT_EQ(as_doubles(f), (std::vector<double>{1.5, -2.0}));
    EXPECT_THROW(as_int64(f), UserError);
    EXPECT_EQ(as_int64(make_array(std::vector<double>{3.0, -4.0, 0.0})), (std::vector<int64_t>{3, -4, 0}));
    EXPECT_THROW(as_int64(make_array(std::vector<double>{1e19})), UserError);
    EXPECT_THROW(as_int64(make_array(std::vector<double>{std::nan("")})), UserError);
    EXPECT_EQ(as_int64(make_array(std::vector<uint8_t>{0, 200})), (std::vector<int64_t>{0, 200}));
    EXPECT_EQ(as_floats(make_array(std::vector<int32_t>{-7, 9})), (std::vector<float>{-7.0f, 9.0f}));
    EXPECT_EQ(as_doubles(make_array(std::vector<int64_t>{1LL << 40})), (std::vector<double>{1099511627776.0}));

    NpyArray b;
    b.dtype = "|b1";
    b.shape = {3};
    b.data = {0, 1, 2};
    EXPECT_EQ(as_int64(b), (std::vector<int64_t>{0, 1, 1}));
    NpyArray i1;
    i1.dtype = "|i1";
    i1.shape = {2};
    i1.data = {0xff, 0x80};
    EXPECT_EQ(as_int64(i1), (std::vector<int64_t>{-1, -128}));
    NpyArray u8;
    u8.dtype = "<u8";
    u8.shape = {1};
    u8.data.assign(8, 0xff);
    EXPECT_THROW(as_int64(u8), UserError);
    EXPECT_EQ(as_doubles(u8), (std::vector<double>{18446744073709551615.0}));
    NpyArray i2;
    i2.dtype = "<i2";
    i2.shape = {1};
    i2.data = {0x00, 0x80};
    EXPECT_EQ(as_int64(i2), (std::vector<int64_t>{-32768}));

    NpyArray broken = make_array(std::vector<float>{1, 2});
    broken.data.pop_back();
    EXPECT_THROW(as_doubles(broken), std::invalid_argument);
    EXPECT_THROW(make_array(std::vector<float>{1, 2, 3}, {2, 2}), std::invalid_argument);
    EXPECT_THROW(make_array(std::vector<float>{}, {-1}), std::invalid_argument);
}

TEST(Npy, CanonicalDtype) {
    EXPECT_EQ(canonical_dtype("u1"), "|u1");
    EXPECT_EQ(canonical_dtype("<u1"), "|u1");
    EXPECT_EQ(canonical_dtype("i8"), "<i8");
    EXPECT_EQ(canonical_dtype("<f8"), "<f8");
    EXPECT_THROW(canonical_dtype(">i4"), UserError);
    EXPECT_THROW(canonical_dtype("|f4"), UserError);
    EXPECT_THROW(canonical_dtype("<f2"), UserError);
    EXPECT_THROW(canonical_dtype(""), UserError);
}
