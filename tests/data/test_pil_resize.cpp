// PIL BILINEAR resize: a hand-computed example and MD5s of Pillow 9.4 outputs (bench/pil_resize_oracle.py).
#include <gtest/gtest.h>

#include "data/md5.hpp"
#include "data/pil_resize.hpp"

using namespace disent::data;

namespace {
std::vector<uint8_t> pattern(int h, int w, int c) {
    std::vector<uint8_t> v;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) v.push_back(static_cast<uint8_t>((x * 7 + y * 13 + ch * 50 + (x * y) % 17) % 256));
    return v;
}
std::string resized_md5(int h, int w, int c, int oh, int ow) {
    auto in = pattern(h, w, c);
    std::vector<uint8_t> out(static_cast<size_t>(oh * ow * c));
    pil_bilinear_resize(in.data(), h, w, c, out.data(), oh, ow);
    return md5_hex(std::string(out.begin(), out.end()));
}
}  // namespace

TEST(PilResize, HandComputedRow) {
    // 4 -> 2: support 2, output 0 centred at 1.0: taps (0.75, 0.75, 0.25)/1.75 over inputs 0..2
    // -> (0*3 + 80*3 + 160*1) / 7 = 57.14 -> 57; output 1 symmetric -> (80*1 + 160*3 + 240*3) / 7 = 182.86 -> 183
    const uint8_t in[4] = {0, 80, 160, 240};
    uint8_t out[2];
    pil_bilinear_resize(in, 1, 4, 1, out, 1, 2);
    EXPECT_EQ(out[0], 57);
    EXPECT_EQ(out[1], 183);
}

TEST(PilResize, HalvingTapsAreOneThreeThreeOneEighths) {
    auto rc = pil_bilinear_coeffs(128, 64);
    ASSERT_EQ(rc.k.size(), 64u);
    const auto& k = rc.k[10];  // interior
    ASSERT_EQ(k.size(), 4u);
    EXPECT_EQ(rc.start[10], 19);
    const double one = 1 << 22;
    EXPECT_NEAR(k[0] / one, 0.125, 1e-6);
    EXPECT_NEAR(k[1] / one, 0.375, 1e-6);
    EXPECT_NEAR(k[2] / one, 0.375, 1e-6);
    EXPECT_NEAR(k[3] / one, 0.125, 1e-6);
    EXPECT_EQ(rc.k[0].size(), 3u);  // renormalised at the border: (3, 3, 1) / 7
    EXPECT_NEAR(rc.k[0][0] / one, 3.0 / 7, 1e-6);
}

TEST(PilResize, MatchesPillowOutputs) {
    EXPECT_EQ(resized_md5(128, 128, 3, 64, 64), "fc8e76c7a4feeae56a72689b6e7d6840");
    EXPECT_EQ(resized_md5(96, 96, 1, 64, 64), "1dd1efd0c0a77f049c6f66816a1fb540");
    EXPECT_EQ(resized_md5(4, 4, 1, 2, 2), "c3049f8d311063285dfac73cffed643d");
    EXPECT_EQ(resized_md5(16, 16, 3, 8, 8), "9e6789c0953c48546b4ae17074ceb186");
    EXPECT_EQ(resized_md5(12, 12, 1, 8, 8), "0235acdb56daaaf6ca6eead411972ecd");
    EXPECT_EQ(resized_md5(7, 5, 3, 3, 4), "2f915e3a69bbdb4261ea7cafc1b2b380");
}

TEST(Md5, KnownVectors) {
    EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(md5_hex(std::string(1000, 'a')), "cabe45dcc9ae5b66ba86600cca6b8ba8");
}
