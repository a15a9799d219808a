// XYSquares family rendering (spec §5.4, paper-experiments §3.1): pixel-exact against a reference renderer
// written here independently (pixel-centric: a pixel is lit if any square covers it).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/registry.hpp"
#include "data/xcolumns.hpp"
#include "data/xysinglesquare.hpp"
#include "data/xysquares.hpp"
#include "data/xysquares_minimal.hpp"

using namespace disent;
using namespace disent::data;

namespace {

struct RefGeom {
    int64_t s, img, g, P, o;
};

RefGeom ref_geom(int64_t s, int64_t img, int64_t grid_size /*0: none*/, int64_t spacing /*0: s*/) {
    RefGeom r{s, img, spacing ? spacing : s, 0, 0};
    r.P = (img - s) / r.g + 1;
    if (grid_size) r.P = std::min(r.P, grid_size);
    r.o = (img - (s + (r.P - 1) * r.g)) / 2;
    return r;
}

// unravel idx over `nf` factors of size P, last fastest
std::vector<int64_t> ref_unravel(int64_t idx, int nf, int64_t P) {
    std::vector<int64_t> pos(nf);
    for (int f = nf - 1; f >= 0; --f) {
        pos[f] = idx % P;
        idx /= P;
    }
    return pos;
}

std::vector<uint8_t> ref_squares(const RefGeom& G, int num, bool rgb, int fill, int64_t idx, bool columns) {
    const int C = rgb ? 3 : 1;
    const int nf = columns ? num : 2 * num;
    std::vector<int64_t> pos = ref_unravel(idx, nf, G.P);
    std::vector<uint8_t> img(G.img * G.img * C, 0);
    for (int64_t r = 0; r < G.img; ++r)
        for (int64_t c = 0; c < G.img; ++c)
            for (int ch = 0; ch < C; ++ch)
                for (int i = 0; i < num; ++i) {
                    if (rgb && ch != i) continue;
                    const int64_t x0 = G.o + G.g * (columns ? pos[i] : pos[2 * i]);
                    const bool in_x = c >= x0 && c < x0 + G.s;
                    bool in_y = true;
                    if (!columns) {
                        const int64_t y0 = G.o + G.g * pos[2 * i + 1];
                        in_y = r >= y0 && r < y0 + G.s;
                    }
                    if (in_x && in_y) img[(r * G.img + c) * C + ch] = static_cast<uint8_t>(fill);
                }
    return img;
}

std::vector<uint8_t> render(const GroundTruthData& d, int64_t idx) {
    std::vector<uint8_t> out(d.obs_bytes(), 77);  // garbage: render must clear the background
    d.render(idx, out.data());
    return out;
}

std::vector<int64_t> test_indices(int64_t N, uint64_t seed, int n_random = 12) {
    Rng rng(seed);
    std::vector<int64_t> idx{0, N - 1, std::min<int64_t>(1, N - 1)};
    for (int i = 0; i < n_random; ++i) idx.push_back(rng.uniform_int(0, N - 1));
    return idx;
}

}  // namespace

TEST(XYSquares, PixelExactAgainstReferenceForAllSpacings) {
    for (int64_t spacing = 1; spacing <= 8; ++spacing)
        for (int num = 1; num <= 3; ++num)
            for (bool rgb : {true, false}) {
                XYSquaresConfig cfg;
                cfg.grid_spacing = spacing;
                cfg.num_squares = num;
                cfg.rgb = rgb;
                XYSquaresData d(cfg);
                RefGeom G = ref_geom(8, 64, 0, spacing);
                ASSERT_EQ(d.grid().placements, G.P);
                ASSERT_EQ(d.grid().offset, G.o);
                ASSERT_EQ(d.channels(), rgb ? 3 : 1);
                ASSERT_EQ(d.states().num_factors(), 2 * num);
                int64_t N = 1;
                for (int f = 0; f < 2 * num; ++f) N *= G.P;
                ASSERT_EQ(d.states().size(), N);
                for (int64_t idx : test_indices(N, 100 * spacing + 10 * num + rgb))
                    ASSERT_EQ(render(d, idx), ref_squares(G, num, rgb, 255, idx, false))
                        << "spacing " << spacing << " num " << num << " rgb " << rgb << " idx " << idx;
            }
}

TEST(XYSquares, PixelExactOtherGeometries) {
    struct Case {
        int64_t s, img, grid, spacing;
        int num;
        bool rgb;
        int fill;
    };
    for (Case c : {Case{4, 32, 0, 3, 3, false, 100}, Case{8, 64, 8, 2, 3, true, 255}, Case{3, 20, 4, 0, 2, true, 1},
                   Case{5, 17, 0, 2, 3, false, 255}, Case{16, 64, 3, 5, 2, false, 200},
                   Case{64, 64, 0, 0, 1, true, 9}}) {
        XYSquaresConfig cfg;
        cfg.square_size = c.s;
        cfg.image_size = c.img;
        if (c.grid) cfg.grid_size = c.grid;
        if (c.spacing) cfg.grid_spacing = c.spacing;
        cfg.num_squares = c.num;
        cfg.rgb = c.rgb;
        cfg.fill_value = c.fill;
        XYSquaresData d(cfg);
        RefGeom G = ref_geom(c.s, c.img, c.grid, c.spacing);
        ASSERT_EQ(d.grid().placements, G.P);
        for (int64_t idx : test_indices(d.states().size(), c.s * 7 + c.img))
            ASSERT_EQ(render(d, idx), ref_squares(G, c.num, c.rgb, c.fill, idx, false)) << "s " << c.s << " " << idx;
    }
}

TEST(XYSquares, DefaultEqualsMinimal) {
    XYSquaresData d;
    XYSquaresMinimalData m;
    EXPECT_EQ(d.name(), "xy_squares");
    EXPECT_EQ(m.name(), "xy_squares_minimal");
    ASSERT_EQ(d.states().factor_sizes(), m.states().factor_sizes());
    ASSERT_EQ(d.states().factor_names(), (std::vector<std::string>{"x_R", "y_R", "x_G", "y_G", "x_B", "y_B"}));
    ASSERT_EQ(m.states().factor_names(), d.states().factor_names());
    ASSERT_EQ(m.states().size(), 262144);
    EXPECT_TRUE(d.warnings().empty());
    for (int64_t idx : test_indices(262144, 42, 100)) ASSERT_EQ(render(d, idx), render(m, idx)) << idx;
    const RefGeom G = ref_geom(8, 64, 0, 0);
    for (int64_t idx : test_indices(262144, 43, 10))
        ASSERT_EQ(render(m, idx), ref_squares(G, 3, true, 255, idx, false));
}

TEST(XYSquares, PaperSpacingOffsets) {
    const int64_t expected[9] = {0, 24, 21, 17, 14, 10, 7, 3, 0};  // index = spacing
    for (int64_t s = 1; s <= 8; ++s) {
        XYSquaresData d(XYSquaresConfig{8, 64, 8, s, 3, true, std::nullopt});
        EXPECT_EQ(d.grid().offset, expected[s]) << "spacing " << s;
        EXPECT_EQ(d.grid().placements, 8);
        EXPECT_EQ(d.states().size(), 262144);
        EXPECT_EQ(d.warnings().size(), s < 8 ? 1u : 0u);  // overlap warning only
    }
    XYSquaresData clipped(XYSquaresConfig{8, 64, 20, 8, 3, true, std::nullopt});
    EXPECT_EQ(clipped.grid().placements, 8);
    EXPECT_EQ(clipped.warnings().size(), 1u);  // grid_size larger than what fits
}

TEST(XYSquares, AppendixAVectors) {
    XYSquaresMinimalData m;
    auto img0 = render(m, 0);
    for (int r = 0; r < 64; ++r)
        for (int c = 0; c < 64; ++c)
            for (int ch = 0; ch < 3; ++ch)
                ASSERT_EQ(img0[(r * 64 + c) * 3 + ch], (r < 8 && c < 8) ? 255 : 0) << r << "," << c << "," << ch;
    EXPECT_EQ(m.states().idx_to_pos(1), (std::vector<int64_t>{0, 0, 0, 0, 0, 1}));  // y_B = 1
    auto img1 = render(m, 1);
    for (int r = 0; r < 64; ++r)
        for (int c = 0; c < 64; ++c) {
            const bool rg = r < 8 && c < 8, b = r >= 8 && r < 16 && c < 8;
            ASSERT_EQ(img1[(r * 64 + c) * 3 + 0], rg ? 255 : 0);
            ASSERT_EQ(img1[(r * 64 + c) * 3 + 1], rg ? 255 : 0);
            ASSERT_EQ(img1[(r * 64 + c) * 3 + 2], b ? 255 : 0);
        }
}

TEST(XYSquares, PerceivedMseAlongOneFactor) {
    // On [0, 1] data two images that differ along one factor by |i-j| placements differ by
    // 2 * 8 * min(s|i-j|, 8) pixels in one channel: MSE = min(s|i-j|, 8) / 768 exactly.
    Rng rng(5);
    for (int64_t s = 1; s <= 8; ++s) {
        XYSquaresData d(XYSquaresConfig{8, 64, 8, s, 3, true, std::nullopt});
        for (int trial = 0; trial < 20; ++trial) {
            std::vector<int64_t> a(6);
            d.states().sample_factors(rng, a.data());
            const int f = static_cast<int>(rng.uniform_int(0, 5));
            std::vector<int64_t> b = a;
            b[f] = rng.uniform_int(0, 7);
            auto ia = render(d, d.states().pos_to_idx(a)), ib = render(d, d.states().pos_to_idx(b));
            double se = 0;
            for (size_t p = 0; p < ia.size(); ++p) {
                const double diff = ia[p] / 255.0 - ib[p] / 255.0;
                se += diff * diff;
            }
            const double mse = se / static_cast<double>(ia.size());
            const double expected = std::min<int64_t>(s * std::llabs(a[f] - b[f]), 8) / 768.0;
            EXPECT_EQ(mse, expected) << "spacing " << s << " factor " << f;
        }
    }
}

TEST(XColumns, PixelExactAndFactors) {
    for (int64_t spacing : {1, 3, 8})
        for (int num = 1; num <= 3; ++num)
            for (bool rgb : {true, false}) {
                XColumnsData d(XYSquaresConfig{8, 64, std::nullopt, spacing, num, rgb, std::nullopt});
                EXPECT_EQ(d.name(), "x_columns");
                RefGeom G = ref_geom(8, 64, 0, spacing);
                ASSERT_EQ(d.states().num_factors(), num);
                EXPECT_EQ(d.states().factor_names()[0], "x_R");
                for (int64_t idx : test_indices(d.states().size(), spacing * 10 + num))
                    ASSERT_EQ(render(d, idx), ref_squares(G, num, rgb, 255, idx, true)) << idx;
            }
    XColumnsData def;
    EXPECT_EQ(def.states().size(), 512);
    EXPECT_EQ(def.states().factor_names(), (std::vector<std::string>{"x_R", "x_G", "x_B"}));
}

TEST(XYSingleSquare, PixelExact) {
    for (int64_t spacing : {1, 4, 8}) {
        XYSingleSquareData d(8, 64, std::nullopt, spacing);
        EXPECT_EQ(d.name(), "xy_single_square");
        EXPECT_EQ(d.channels(), 1);
        EXPECT_EQ(d.states().factor_names(), (std::vector<std::string>{"x", "y"}));
        RefGeom G = ref_geom(8, 64, 0, spacing);
        for (int64_t idx : test_indices(d.states().size(), spacing))
            ASSERT_EQ(render(d, idx), ref_squares(G, 1, false, 255, idx, false)) << idx;
    }
}

TEST(XYSquares, InvalidGeometryIsAUserError) {
    auto expect_user_error = [](auto make, const std::string& needle) {
        try {
            make();
            ADD_FAILURE() << "expected UserError mentioning " << needle;
        } catch (const UserError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    auto cfg = [](int64_t s, int64_t img, int num, std::optional<int64_t> fill = std::nullopt) {
        return XYSquaresConfig{s, img, std::nullopt, std::nullopt, num, true, fill};
    };
    expect_user_error([&] { XYSquaresData{cfg(70, 64, 3)}; }, "square_size");
    expect_user_error([&] { XYSquaresData{cfg(8, 64, 0)}; }, "num_squares");
    expect_user_error([&] { XYSquaresData{cfg(8, 64, 4)}; }, "num_squares");
    expect_user_error([&] { XYSquaresData{cfg(8, 64, 3, 0)}; }, "fill_value");
    expect_user_error([&] { XColumnsData{cfg(8, 4, 3)}; }, "xcolumns: square_size");
    XYSquaresConfig bad_grid = cfg(8, 64, 3), bad_spacing = cfg(8, 64, 3);
    bad_grid.grid_size = 0;
    bad_spacing.grid_spacing = 0;
    expect_user_error([&] { XYSquaresData{bad_grid}; }, "grid_size");
    expect_user_error([&] { XYSquaresData{bad_spacing}; }, "grid_spacing");
    expect_user_error([] { XYSingleSquareData(0, 64); }, "square_size");
}
