#include <gtest/gtest.h>
#include <png.h>

#include <csetjmp>
#include <random>

#include "core/error.hpp"
#include "io/png.hpp"
#include "io_test_util.hpp"

using namespace disent;
using namespace disent::io;
using disent::io::testing::TempDir;

namespace {

Image random_image(int w, int h, int c, unsigned seed) {
    Image img(w, h, c);
    std::mt19937 rng(seed);
    for (auto& p : img.pixels) p = static_cast<uint8_t>(rng());
    return img;
}

uint32_t be32(const std::string& s, size_t off) {
    return (uint32_t(uint8_t(s[off])) << 24) | (uint32_t(uint8_t(s[off + 1])) << 16) |
           (uint32_t(uint8_t(s[off + 2])) << 8) | uint8_t(s[off + 3]);
}

// Writes PNG variants our encoder never produces (interlaced, 16-bit, palette) with libpng directly.
struct RawPng {
    int width, height, color_type, bit_depth, interlace;
    std::vector<std::vector<uint8_t>> rows;
    std::vector<png_color> palette;
};

void sink(png_structp png, png_bytep data, size_t n) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), n);
}
void no_flush(png_structp) {}

bool write_raw_png_impl(const RawPng* spec, std::string* out, png_bytepp rows) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, out, sink, no_flush);
    png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth, spec->color_type, spec->interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (!spec->palette.empty()) png_set_PLTE(png, info, spec->palette.data(), static_cast<int>(spec->palette.size()));
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

std::string write_raw_png(RawPng spec) {
    std::string out;
    std::vector<png_bytep> rows;
    for (auto& r : spec.rows) rows.push_back(r.data());
    EXPECT_TRUE(write_raw_png_impl(&spec, &out, rows.data()));
    return out;
}

}  // namespace

TEST(Png, RoundTripsGreyRgbRgba) {
    for (int c : {1, 3, 4}) {
        for (auto [w, h] : std::vector<std::pair<int, int>>{{1, 1}, {7, 3}, {64, 64}, {33, 100}}) {
            Image img = random_image(w, h, c, static_cast<unsigned>(w * 100 + h + c));
            std::string bytes = encode_png(img);
            Image back = decode_png(bytes);
            EXPECT_EQ(back.width, w);
            EXPECT_EQ(back.height, h);
            EXPECT_EQ(back.channels, c);
            EXPECT_EQ(back.pixels, img.pixels) << w << "x" << h << "x" << c;
        }
    }
}

TEST(Png, HeaderBytes) {
    Image img(300, 2, 3, 7);
    std::string b = encode_png(img);
    ASSERT_GT(b.size(), 33u);
    EXPECT_EQ(b.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(be32(b, 8), 13u);  // IHDR length
    EXPECT_EQ(b.substr(12, 4), "IHDR");
    EXPECT_EQ(be32(b, 16), 300u);
    EXPECT_EQ(be32(b, 20), 2u);
    EXPECT_EQ(uint8_t(b[24]), 8);                           // bit depth
    EXPECT_EQ(uint8_t(b[25]), 2);                           // colour type RGB
    EXPECT_EQ(uint8_t(encode_png(Image(1, 1, 1))[25]), 0);  // grey
    EXPECT_EQ(uint8_t(encode_png(Image(1, 1, 4))[25]), 6);  // RGBA
    EXPECT_EQ(b.substr(b.size() - 8, 4), "IEND");
}

TEST(Png, FileRoundTrip) {
    TempDir dir;
    Image img = random_image(20, 10, 3, 42);
    write_png(dir.file("x.png"), img);
    Image back = read_png(dir.file("x.png"));
    EXPECT_EQ(back.pixels, img.pixels);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.png"});
}

TEST(Png, RejectsMalformedImages) {
    EXPECT_THROW(encode_png(Image(0, 5, 1)), std::invalid_argument);
    EXPECT_THROW(encode_png(Image(5, 5, 2)), std::invalid_argument);
    Image bad(4, 4, 3);
    bad.pixels.pop_back();
    EXPECT_THROW(encode_png(bad), std::invalid_argument);
}

TEST(Png, NonPngAndMissingFilesAreUserErrors) {
    TempDir dir;
    disent::io::testing::write_raw(dir.file("fake.png"), "GIF89a not a png at all");
    try {
        read_png(dir.file("fake.png"));
        FAIL();
    } catch (const UserError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find(dir.file("fake.png")), std::string::npos) << msg;
        EXPECT_NE(msg.find("not a PNG"), std::string::npos) << msg;
    }
    EXPECT_THROW(read_png(dir.file("missing.png")), UserError);
    EXPECT_THROW(decode_png(""), UserError);
}

TEST(Png, TruncatedOrCorruptDataIsUserErrorNotCrash) {
    Image img = random_image(16, 12, 3, 7);
    std::string good = encode_png(img);
    for (size_t len = 0; len < good.size(); ++len) {
        EXPECT_THROW(decode_png(good.substr(0, len), "cut.png"), UserError) << "length " << len;
    }
    int decoded_ok = 0;
    for (size_t pos = 8; pos < good.size(); ++pos) {
        std::string bad = good;
        bad[pos] = static_cast<char>(bad[pos] ^ 0x5a);
        try {
            Image out = decode_png(bad, "bad.png");
            ++decoded_ok;  // only possible if the flip hit something libpng tolerates (ancillary data)
        } catch (const UserError&) {
        }
    }
    // Every critical chunk is CRC-protected, so nearly all flips must be detected.
    EXPECT_LT(decoded_ok, 5);
}

TEST(Png, DecodesInterlacedSixteenBitAndPalette) {
    // 16-bit RGB, Adam7-interlaced: expect the high bytes.
    RawPng rgb16{5, 4, PNG_COLOR_TYPE_RGB, 16, PNG_INTERLACE_ADAM7, {}, {}};
    Image expect16(5, 4, 3);
    for (int y = 0; y < 4; ++y) {
        std::vector<uint8_t> row;
        for (int x = 0; x < 5; ++x)
            for (int c = 0; c < 3; ++c) {
                uint8_t hi = static_cast<uint8_t>(x * 40 + y * 7 + c), lo = static_cast<uint8_t>(x + 200);
                row.push_back(hi);
                row.push_back(lo);
                expect16.at(x, y)[c] = hi;
            }
        rgb16.rows.push_back(row);
    }
    Image got16 = decode_png(write_raw_png(rgb16));
    EXPECT_EQ(got16.channels, 3);
    EXPECT_EQ(got16.pixels, expect16.pixels);

    // 2-bit palette image -> RGB.
    RawPng pal{
        6, 2, PNG_COLOR_TYPE_PALETTE, 2, PNG_INTERLACE_NONE, {}, {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {9, 8, 7}}};
    // 6 pixels of 2 bits = 12 bits -> 2 bytes per row; indices 0,1,2,3,0,1 / 3,3,2,2,1,0
    pal.rows = {{0b00011011, 0b00010000}, {0b11111010, 0b01000000}};
    Image gotp = decode_png(write_raw_png(pal));
    ASSERT_EQ(gotp.channels, 3);
    const int idx[2][6] = {{0, 1, 2, 3, 0, 1}, {3, 3, 2, 2, 1, 0}};
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 6; ++x) {
            const png_color& c = pal.palette[idx[y][x]];
            EXPECT_EQ(gotp.at(x, y)[0], c.red);
            EXPECT_EQ(gotp.at(x, y)[1], c.green);
            EXPECT_EQ(gotp.at(x, y)[2], c.blue);
        }

    // Grey + alpha -> RGBA.
    RawPng ga{2, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE, {{10, 200, 30, 40}}, {}};
    Image gotga = decode_png(write_raw_png(ga));
    ASSERT_EQ(gotga.channels, 4);
    EXPECT_EQ(gotga.pixels, (std::vector<uint8_t>{10, 10, 10, 200, 30, 30, 30, 40}));
}

TEST(Png, PillowReadsOurFiles) {
    if (!disent::io::testing::python_has("numpy PIL")) GTEST_SKIP() << "python3 with numpy and PIL not available";
    TempDir dir;
    Image rgb = random_image(13, 9, 3, 1), grey = random_image(8, 5, 1, 2), rgba = random_image(3, 4, 4, 3);
    write_png(dir.file("rgb.png"), rgb);
    write_png(dir.file("grey.png"), grey);
    write_png(dir.file("rgba.png"), rgba);
    const char* script = R"PY(
import sys, numpy as np
from PIL import Image
for name in ["rgb", "grey", "rgba"]:
    a = np.asarray(Image.open(sys.argv[1] + "/" + name + ".png"))
    open(sys.argv[1] + "/" + name + ".raw", "wb").write(a.tobytes())
    print(name, a.shape)
)PY";
    std::string out;
    ASSERT_EQ(disent::io::testing::run_python(dir, script, {dir.path()}, out), 0) << out;
    EXPECT_NE(out.find("rgb (9, 13, 3)"), std::string::npos) << out;
    EXPECT_NE(out.find("grey (5, 8)"), std::string::npos) << out;
    EXPECT_NE(out.find("rgba (4, 3, 4)"), std::string::npos) << out;
    auto bytes = [](const Image& i) { return std::string(i.pixels.begin(), i.pixels.end()); };
    EXPECT_EQ(disent::io::testing::read_raw(dir.file("rgb.raw")), bytes(rgb));
    EXPECT_EQ(disent::io::testing::read_raw(dir.file("grey.raw")), bytes(grey));
    EXPECT_EQ(disent::io::testing::read_raw(dir.file("rgba.raw")), bytes(rgba));
}
