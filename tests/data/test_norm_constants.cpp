// Normalisation constants (spec §5.5): table values, exact computation, and agreement with brute force.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "data/norm_stats.hpp"
#include "data/xcolumns.hpp"
#include "data/xysinglesquare.hpp"
#include "data/xysquares.hpp"
#include "data/xysquares_minimal.hpp"

using namespace disent::data;

namespace {
constexpr double kRgbStd = 0.12403473458920855;  // 1/sqrt(65)
constexpr double kGreyMean = 0.046146392822265625, kGreyStd = 0.2096506119375896;
constexpr double kColMean = 0.125, kColStd = 0.33075929223788925;

void expect_near_all(const std::vector<double>& v, const std::vector<double>& want, double tol, const char* what) {
    ASSERT_EQ(v.size(), want.size()) << what;
    for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], want[i], tol) << what << " channel " << i;
}
}  // namespace

TEST(NormConstants, RgbTableValuesAreExact) {
    EXPECT_NEAR(kRgbStd, 1.0 / std::sqrt(65.0), 1e-15);
    XYSquaresMinimalData m;
    expect_near_all(m.norm_mean(), {0.015625, 0.015625, 0.015625}, 0, "minimal table mean");
    expect_near_all(m.norm_std(), {kRgbStd, kRgbStd, kRgbStd}, 0, "minimal table std");
    NormConstants c = m.compute_constants();
    expect_near_all(c.mean, {1.0 / 64, 1.0 / 64, 1.0 / 64}, 0, "minimal computed mean");
    expect_near_all(c.std, {kRgbStd, kRgbStd, kRgbStd}, 1e-12, "minimal computed std");
    for (int64_t s = 1; s <= 8; ++s) {
        XYSquaresData d(XYSquaresConfig{8, 64, 8, s, 3, true, std::nullopt});
        expect_near_all(d.norm_mean(), {0.015625, 0.015625, 0.015625}, 0, "xysquares_rgb table mean");
        expect_near_all(d.norm_std(), {kRgbStd, kRgbStd, kRgbStd}, 0, "xysquares_rgb table std");
        NormConstants cc = d.compute_constants();
        expect_near_all(cc.mean, d.norm_mean(), 1e-12, "xysquares_rgb computed mean");
        expect_near_all(cc.std, d.norm_std(), 1e-12, "xysquares_rgb computed std");
    }
}

TEST(NormConstants, GreyAndColumnsTableValuesAreReproduced) {
    XYSquaresConfig grey;
    grey.rgb = false;
    XYSquaresData g(grey);
    expect_near_all(g.norm_mean(), {kGreyMean}, 0, "grey table mean");
    expect_near_all(g.norm_std(), {kGreyStd}, 0, "grey table std");
    NormConstants c = g.compute_constants();
    EXPECT_EQ(c.mean.at(0), kGreyMean);  // E[area] = 12097/64 px: exactly representable
    EXPECT_NEAR(c.std.at(0), kGreyStd, 1e-12);

    XColumnsData x;
    expect_near_all(x.norm_mean(), {kColMean, kColMean, kColMean}, 0, "xcolumns table mean");
    NormConstants cx = x.compute_constants();
    expect_near_all(cx.mean, {kColMean, kColMean, kColMean}, 1e-12, "xcolumns computed mean");
    expect_near_all(cx.std, {kColStd, kColStd, kColStd}, 1e-12, "xcolumns computed std");
}

TEST(NormConstants, ComputedMatchesBruteForce) {
    struct Case {
        int64_t s, img, grid, spacing;
        int num;
        bool rgb;
        int fill;
    };
    for (Case c : {Case{4, 16, 0, 3, 3, false, 255}, Case{4, 16, 0, 3, 2, false, 255}, Case{4, 16, 0, 3, 1, false, 255},
                   Case{4, 16, 0, 1, 2, false, 130}, Case{3, 12, 0, 2, 3, false, 255}, Case{4, 16, 0, 2, 2, true, 100},
                   Case{5, 16, 2, 4, 3, true, 255}, Case{16, 16, 0, 0, 3, false, 255}}) {
        XYSquaresConfig cfg{c.s, c.img, std::nullopt, std::nullopt, c.num, c.rgb, c.fill};
        if (c.grid) cfg.grid_size = c.grid;
        if (c.spacing) cfg.grid_spacing = c.spacing;
        XYSquaresData d(cfg);
        NormConstants brute = image_norm_constants(d);
        expect_near_all(d.norm_mean(), brute.mean, 1e-12, "xysquares mean");
        expect_near_all(d.norm_std(), brute.std, 1e-12, "xysquares std");

        XColumnsData col(cfg);
        NormConstants bcol = image_norm_constants(col);
        expect_near_all(col.norm_mean(), bcol.mean, 1e-12, "xcolumns mean");
        expect_near_all(col.norm_std(), bcol.std, 1e-12, "xcolumns std");
    }
    XYSingleSquareData single(4, 16, std::nullopt, 1);
    NormConstants bs = image_norm_constants(single);
    expect_near_all(single.norm_mean(), bs.mean, 1e-12, "single mean");
    expect_near_all(single.norm_std(), bs.std, 1e-12, "single std");
    // xcolumns default RGB: 512 images, brute force against the table too
    XColumnsData xdef;
    NormConstants bx = image_norm_constants(xdef);
    expect_near_all(bx.mean, xdef.norm_mean(), 1e-12, "xcolumns brute mean");
    expect_near_all(bx.std, xdef.norm_std(), 1e-12, "xcolumns brute std");
}

TEST(NormConstants, GreyDefaultBruteForceOverAllImages) {
    // 262,144 renders of 64x64: the independent check of the table's grey value
    XYSquaresConfig grey;
    grey.rgb = false;
    XYSquaresData g(grey);
    NormConstants brute = image_norm_constants(g);
    EXPECT_NEAR(brute.mean.at(0), kGreyMean, 1e-12);
    EXPECT_NEAR(brute.std.at(0), kGreyStd, 1e-12);
}

TEST(NormConstants, DenseGreyStaysCheap) {
    // spacing 1, 57 placements, 57^6 ~ 3.4e10 images: must still be exact and fast
    const auto t0 = std::chrono::steady_clock::now();
    XYSquaresData g(XYSquaresConfig{8, 64, std::nullopt, 1, 3, false, std::nullopt});
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(secs, 2.0);
    ASSERT_EQ(g.norm_mean().size(), 1u);
    EXPECT_GT(g.norm_mean()[0], 0.015625);      // more than one square's worth...
    EXPECT_LT(g.norm_mean()[0], 3 * 0.015625);  // ...less than three disjoint squares
    EXPECT_GT(g.norm_std()[0], 0.0);
}
