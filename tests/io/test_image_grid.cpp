#include <gtest/gtest.h>

#include <set>

#include "io/image_grid.hpp"

using namespace disent::io;

namespace {
Image solid(int w, int h, int c, uint8_t v) { return Image(w, h, c, v); }
}  // namespace

TEST(ImageGrid, PlacesTilesWithPadding) {
    std::vector<Image> tiles = {solid(2, 3, 1, 10), solid(2, 3, 1, 20), solid(2, 3, 1, 30)};
    Image g = make_grid(tiles, 2, 2, 1, 255);
    EXPECT_EQ(g.width, 2 * (2 + 1) + 1);
    EXPECT_EQ(g.height, 2 * (3 + 1) + 1);
    EXPECT_EQ(g.channels, 1);
    // Expected layout, row by row ('P' = pad 255, digits = tile value / 10).
    // clang-format off
    const char* expect[] = {
        "PPPPPPP",
        "P11P22P",
        "P11P22P",
        "P11P22P",
        "PPPPPPP",
        "P33PPPP",
        "P33PPPP",
        "P33PPPP",
        "PPPPPPP",
    };
    // clang-format on
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x) {
            char e = expect[y][x];
            uint8_t want = e == 'P' ? 255 : static_cast<uint8_t>((e - '0') * 10);
            EXPECT_EQ(g.at(x, y)[0], want) << "at " << x << "," << y;
        }
}

TEST(ImageGrid, RgbTilesAndAutomaticRows) {
    Image a(1, 1, 3), b(1, 1, 3);
    a.pixels = {1, 2, 3};
    b.pixels = {4, 5, 6};
    Image g = make_grid({a, b, a}, 0, 2, 0);  // no padding, rows computed: 2
    EXPECT_EQ(g.width, 2);
    EXPECT_EQ(g.height, 2);
    EXPECT_EQ(g.pixels, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 1, 2, 3, 255, 255, 255}));
}

TEST(ImageGrid, RejectsBadInput) {
    EXPECT_THROW(make_grid({}, 1, 1), std::invalid_argument);
    EXPECT_THROW(make_grid({solid(2, 2, 1, 0), solid(3, 2, 1, 0)}, 1, 2), std::invalid_argument);
    EXPECT_THROW(make_grid({solid(2, 2, 1, 0), solid(2, 2, 3, 0)}, 1, 2), std::invalid_argument);
    EXPECT_THROW(make_grid({solid(2, 2, 1, 0), solid(2, 2, 1, 0), solid(2, 2, 1, 0)}, 1, 2), std::invalid_argument);
    EXPECT_THROW(make_grid({solid(2, 2, 1, 0)}, 1, 0), std::invalid_argument);
}

TEST(ImageGrid, ToRgb) {
    Image g(2, 1, 1);
    g.pixels = {7, 200};
    EXPECT_EQ(to_rgb(g).pixels, (std::vector<uint8_t>{7, 7, 7, 200, 200, 200}));
    Image rgba(1, 1, 4);
    rgba.pixels = {1, 2, 3, 4};
    Image r = to_rgb(rgba);
    EXPECT_EQ(r.channels, 3);
    EXPECT_EQ(r.pixels, (std::vector<uint8_t>{1, 2, 3}));
}

TEST(Font, HasAllRequiredGlyphs) {
    std::string required = "0123456789.-_=:/() ";
    for (char c = 'a'; c <= 'z'; ++c) required += c;
    for (char c = 'A'; c <= 'Z'; ++c) required += c;
    for (char c : required) EXPECT_TRUE(has_glyph(c)) << "missing glyph '" << c << "'";
    EXPECT_FALSE(has_glyph('~'));
}

// Render each glyph alone and check it is within its 5x7 cell and that no two glyphs look the same
// (catches copy-paste mistakes in the table).
TEST(Font, GlyphsAreDistinctAndFitTheCell) {
    std::set<std::vector<uint8_t>> seen;
    for (int ci = 32; ci < 127; ++ci) {
        char c = static_cast<char>(ci);
        if (!has_glyph(c)) continue;
        Image img(8, 9, 1, 0);
        draw_text(img, 1, 1, std::string(1, c), {255, 255, 255});
        for (int y = 0; y < img.height; ++y)
            for (int x = 0; x < img.width; ++x) {
                bool inside = x >= 1 && x < 1 + kGlyphWidth && y >= 1 && y < 1 + kGlyphHeight;
                if (!inside) EXPECT_EQ(img.at(x, y)[0], 0) << "glyph '" << c << "' leaks at " << x << "," << y;
            }
        if (c != ' ') EXPECT_TRUE(seen.insert(img.pixels).second) << "glyph '" << c << "' duplicates another";
    }
}

TEST(Font, DrawsExactPixelsInColour) {
    Image img(6, 7, 3, 0);
    draw_text(img, 0, 0, "1", {10, 20, 30});
    const char* expect[] = {"  #   ", " ##   ", "  #   ", "  #   ", "  #   ", "  #   ", " ###  "};
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 6; ++x) {
            bool ink = expect[y][x] == '#';
            EXPECT_EQ(img.at(x, y)[0], ink ? 10 : 0) << x << "," << y;
            EXPECT_EQ(img.at(x, y)[1], ink ? 20 : 0);
            EXPECT_EQ(img.at(x, y)[2], ink ? 30 : 0);
        }
}

TEST(Font, ScaleAdvanceClippingAndAlpha) {
    // Scale 2: '-' is row 3 of the glyph, all 5 columns -> rows 6..7, columns 0..9.
    Image img(12, 14, 4, 0);
    draw_text(img, 0, 0, "-", {255, 0, 0}, 2);
    for (int y = 0; y < 14; ++y)
        for (int x = 0; x < 12; ++x) {
            bool ink = (y == 6 || y == 7) && x < 10;
            EXPECT_EQ(img.at(x, y)[0], ink ? 255 : 0) << x << "," << y;
            EXPECT_EQ(img.at(x, y)[3], ink ? 255 : 0);
        }
    // Second character starts kGlyphAdvance pixels later: "_-" at scale 1 puts '-' at x = 6..10.
    Image two(12, 7, 1, 0);
    draw_text(two, 0, 0, "_-", {255, 255, 255});
    for (int x = 0; x < 12; ++x) {
        EXPECT_EQ(two.at(x, 6)[0], x < 5 ? 255 : 0) << x;
        EXPECT_EQ(two.at(x, 3)[0], (x >= 6 && x < 11) ? 255 : 0) << x;
    }
    // Grey images get the luminance of the colour.
    Image grey(5, 7, 1, 0);
    draw_text(grey, 0, 0, "_", {255, 0, 0});
    EXPECT_EQ(grey.at(0, 6)[0], 76);
    // Partly or fully outside the image: clipped, no crash.
    Image small(4, 4, 3, 0);
    draw_text(small, -3, -4, "W8", {1, 1, 1}, 3);
    draw_text(small, 100, 100, "far away", {1, 1, 1});
    draw_text(small, 2, 2, "x\ny", {1, 1, 1});
    EXPECT_THROW(draw_text(small, 0, 0, "a", {1, 1, 1}, 0), std::invalid_argument);
    // Unknown characters draw as '?'.
    Image q1(5, 7, 1, 0), q2(5, 7, 1, 0);
    draw_text(q1, 0, 0, "~", {255, 255, 255});
    draw_text(q2, 0, 0, "?", {255, 255, 255});
    EXPECT_EQ(q1.pixels, q2.pixels);
}

TEST(Font, TextMetrics) {
    EXPECT_EQ(text_width(""), 0);
    EXPECT_EQ(text_width("a"), 5);
    EXPECT_EQ(text_width("ab"), 11);
    EXPECT_EQ(text_width("ab", 2), 22);
    EXPECT_EQ(text_width("abc\nd"), 17);
    EXPECT_EQ(text_height(""), 0);
    EXPECT_EQ(text_height("a"), 7);
    EXPECT_EQ(text_height("a\nb", 2), 30);
}
