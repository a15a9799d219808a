// XYObject, XYObjectShaded and XYBlocks (spec §5.4, Appendix A) and the table constants (§5.5).
#include <gtest/gtest.h>

#include "data/norm_stats.hpp"
#include "data/registry.hpp"
#include "data/xyblocks.hpp"
#include "data/xyobject.hpp"
#include "data/xysquares.hpp"

using namespace disent;
using namespace disent::data;

namespace {
std::vector<uint8_t> render(const GroundTruthData& d, int64_t idx) {
    std::vector<uint8_t> img(static_cast<size_t>(d.obs_bytes()));
    d.render(idx, img.data());
    return img;
}
// Every pixel: inside [r0, r1] x [c0, c1] has colour `c`, the rest is 0.
void expect_square(const std::vector<uint8_t>& img, int W, int C, int r0, int r1, int c0, int c1, std::vector<int> c) {
    for (int y = 0; y < W; ++y)
        for (int x = 0; x < W; ++x)
            for (int ch = 0; ch < C; ++ch) {
                const bool in = y >= r0 && y <= r1 && x >= c0 && x <= c1;
                ASSERT_EQ(img[static_cast<size_t>((y * W + x) * C + ch)], in ? c[static_cast<size_t>(ch)] : 0)
                    << "pixel " << y << "," << x << "," << ch;
            }
}
}  // namespace

TEST(XYObject, AppendixAVectors) {
    auto d = make_dataset("xyobject");
    EXPECT_EQ(d->name(), "xy_object");
    EXPECT_EQ(d->states().size(), 75000);
    EXPECT_EQ(d->states().factor_sizes(), (std::vector<int64_t>{25, 25, 5, 24}));
    EXPECT_EQ(d->states().factor_names(), (std::vector<std::string>{"x", "y", "scale", "color"}));
    EXPECT_EQ(d->states().idx_to_pos(0), (std::vector<int64_t>{0, 0, 0, 0}));
    expect_square(render(*d, 0), 64, 3, 4, 10, 4, 10, {63, 0, 0});
    EXPECT_EQ(d->states().idx_to_pos(74999), (std::vector<int64_t>{24, 24, 4, 23}));
    expect_square(render(*d, 74999), 64, 3, 48, 62, 48, 62, {255, 0, 255});
}

TEST(XYObject, PaletteOrder) {
    auto pal = xyobject_palette("rainbow_4", true);
    ASSERT_EQ(pal.size(), 24u);
    const std::vector<Colour> first = {{63, 0, 0}, {63, 63, 0}, {0, 63, 0}, {0, 63, 63}, {0, 0, 63}, {63, 0, 63}};
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(pal[i], first[i]) << i;
    EXPECT_EQ(pal[6], (Colour{127, 0, 0}));
    EXPECT_EQ(pal[12], (Colour{191, 0, 0}));
    EXPECT_EQ(pal[23], (Colour{255, 0, 255}));
    EXPECT_EQ(xyobject_palette("colors_2", true).size(), 14u);
    EXPECT_EQ(xyobject_palette("greys_4", false).size(), 4u);
    EXPECT_EQ(xyobject_palette("rgb_1", true), (std::vector<Colour>{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}}));
    EXPECT_THROW(xyobject_palette("rgb_3", true), UserError);
    EXPECT_THROW(xyobject_palette("colors_4", false), UserError);
}

TEST(XYObject, ShadedGivesIdenticalImagesForEveryPalette) {
    struct Case { const char* palette; const char* rgb; };
    for (Case c : {Case{"rainbow_4", "true"}, Case{"colors_2", "true"}, Case{"rgb_1", "true"}, Case{"greys_4", "true"},
                   Case{"greys_4", "false"}, Case{"rainbow_2", "false"}}) {
        auto a = make_dataset("xyobject", {{"palette", c.palette}, {"rgb", c.rgb}});
        auto b = make_dataset("xyobject_shaded", {{"palette", c.palette}, {"rgb", c.rgb}});
        ASSERT_EQ(a->states().size(), b->states().size()) << c.palette;
        const int64_t n = a->states().size();
        for (int64_t i = 0; i < n; i += 97) ASSERT_EQ(render(*a, i), render(*b, i)) << c.palette << " rgb=" << c.rgb << " idx " << i;
        ASSERT_EQ(render(*a, n - 1), render(*b, n - 1));
    }
    auto b = make_dataset("xyobject_shaded");
    EXPECT_EQ(b->states().factor_sizes(), (std::vector<int64_t>{25, 25, 5, 4, 6}));
    EXPECT_EQ(b->states().factor_names(), (std::vector<std::string>{"x", "y", "scale", "intensity", "color"}));
    auto grey = make_dataset("xyobject", {{"rgb", "false"}, {"palette", "greys_4"}});
    EXPECT_EQ(grey->channels(), 1);
    EXPECT_TRUE(grey->norm_mean().empty());  // the grey yaml has no constants
}

TEST(XYBlocks, FactorsAndXorRule) {
    auto d = make_dataset("xyblocks");
    // (|pal|,|pal|,|pal|, 2,4,8, 2,4,8) = 27 * 64 * 64 (the spec's "13,824" does not match its own product)
    EXPECT_EQ(d->states().size(), 110592);
    EXPECT_EQ(d->states().factor_names(),
              (std::vector<std::string>{"color-2", "color-4", "color-8", "x-2", "x-4", "x-8", "y-2", "y-4", "y-8"}));
    const int W = 64, C = 3;
    auto px = [&](const std::vector<uint8_t>& img, int y, int x) {
        return std::vector<int>{img[static_cast<size_t>((y * W + x) * C)], img[static_cast<size_t>((y * W + x) * C + 1)],
                                img[static_cast<size_t>((y * W + x) * C + 2)]};
    };
    // all red, all at (0, 0): 32-block red; the 16-block's corner is already red -> background; the 8-block's
    // corner is now background -> red
    auto img = render(*d, d->states().pos_to_idx(std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(px(img, 0, 0), (std::vector<int>{255, 0, 0}));
    EXPECT_EQ(px(img, 7, 7), (std::vector<int>{255, 0, 0}));
    EXPECT_EQ(px(img, 10, 10), (std::vector<int>{0, 0, 0}));
    EXPECT_EQ(px(img, 20, 20), (std::vector<int>{255, 0, 0}));
    EXPECT_EQ(px(img, 40, 40), (std::vector<int>{0, 0, 0}));
    // colours red, green, blue: every block differs from what is below -> each is drawn in its colour
    img = render(*d, d->states().pos_to_idx(std::vector<int64_t>{0, 1, 2, 1, 2, 7, 0, 1, 3}));
    EXPECT_EQ(px(img, 0, 32), (std::vector<int>{255, 0, 0}));    // level-2 block (x1, y0)
    EXPECT_EQ(px(img, 16, 32), (std::vector<int>{0, 255, 0}));   // level-4 block (x2, y1)
    EXPECT_EQ(px(img, 24, 56), (std::vector<int>{0, 0, 255}));   // level-8 block (x7, y3)
    EXPECT_EQ(px(img, 40, 0), (std::vector<int>{0, 0, 0}));
    // a smaller block of the same colour over a larger one punches a hole
    img = render(*d, d->states().pos_to_idx(std::vector<int64_t>{1, 2, 2, 0, 0, 1, 0, 0, 0}));
    EXPECT_EQ(px(img, 0, 0), (std::vector<int>{0, 0, 255}));    // blue 16-block over green
    EXPECT_EQ(px(img, 0, 8), (std::vector<int>{0, 0, 0}));      // blue 8-block over blue -> background
    EXPECT_EQ(px(img, 20, 20), (std::vector<int>{0, 255, 0}));  // green 32-block
    auto g = make_dataset("xyblocks", {{"rgb", "false"}, {"palette", "greys_quarters"}});
    EXPECT_EQ(g->channels(), 1);
    EXPECT_EQ(g->states().factor_sizes()[0], 4);
    EXPECT_THROW(make_dataset("xyblocks", {{"palette", "greys_halves"}}), UserError);
}

TEST(TableConstants, RecomputedToOneInAMillion) {
    struct Case { const char* name; std::map<std::string, std::string> ov; };
    for (const Case& c : {Case{"xysquares", {}}, Case{"xysquares", {{"rgb", "false"}}}, Case{"xyobject", {}},
                          Case{"xyobject_shaded", {}}, Case{"xyblocks", {}}}) {
        auto d = make_dataset(c.name, c.ov);
        ASSERT_FALSE(d->norm_mean().empty()) << c.name;
        const auto got = image_norm_constants(*d);
        for (int ch = 0; ch < d->channels(); ++ch) {
            EXPECT_NEAR(got.mean[static_cast<size_t>(ch)], d->norm_mean()[static_cast<size_t>(ch)], 1e-6) << c.name << " ch " << ch;
            EXPECT_NEAR(got.std[static_cast<size_t>(ch)], d->norm_std()[static_cast<size_t>(ch)], 1e-6) << c.name << " ch " << ch;
        }
    }
}
