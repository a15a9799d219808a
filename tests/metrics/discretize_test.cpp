// Histogram discretiser and discrete information measures (metric-tests.md §2.2 "utils").
#include "metrics/discretize.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace disent::metrics {
namespace {

TEST(HistogramDiscretize, DlibExampleThreeBins) {
    EXPECT_EQ(histogram_discretize(std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 3),
              (std::vector<int64_t>{1, 1, 2, 2, 3, 3}));
}

TEST(HistogramDiscretize, MaxLandsInLastBinMinInFirst) {
    std::vector<double> v{-3.0, 1.0, 7.0, 2.5};
    auto b = histogram_discretize(v, 20);
    EXPECT_EQ(b[0], 1);
    EXPECT_EQ(b[2], 20);
    for (auto x : b) {
        EXPECT_GE(x, 1);
        EXPECT_LE(x, 20);
    }
}

TEST(HistogramDiscretize, ConstantRowLikeNumpy) {
    // np.histogram widens [v, v] to [v - .5, v + .5]; v is at left edge 10 -> digitize gives 11.
    auto b = histogram_discretize(std::vector<double>{2.0, 2.0, 2.0}, 20);
    EXPECT_EQ(b, (std::vector<int64_t>{11, 11, 11}));
}

TEST(HistogramDiscretize, CodesColumnsIndependently) {
    Codes c{3, 2, {0.0, 5.0, 1.0, 5.0, 2.0, 6.0}};
    Factors d = histogram_discretize(c, 2);
    EXPECT_EQ(d.n, 3);
    EXPECT_EQ(d.f, 2);
    EXPECT_EQ(d.values, (std::vector<int64_t>{1, 1, 2, 1, 2, 2}));
}

TEST(HistogramDiscretize, RejectsNan) {
    EXPECT_THROW(histogram_discretize(std::vector<double>{0.0, std::nan("")}, 20), std::runtime_error);
}

TEST(DiscreteEntropy, ThreeEquallyLikelyBins) {
    EXPECT_NEAR(entropy({1, 1, 2, 2, 3, 3}), std::log(3.0), 1e-12);
    EXPECT_NEAR(entropy({1, 1, 2, 2, 3, 3}), 1.0986, 1e-4);
    EXPECT_EQ(entropy({4, 4, 4}), 0.0);
}

TEST(DiscreteMutualInfo, BinaryCodesAlignedWithFactors) {
    // Two binary codes, each equal to one factor and independent of the other.
    Factors codes{4, 2, {0, 0, 0, 1, 1, 0, 1, 1}};
    Factors factors = codes;
    auto m = discrete_mutual_info(codes, factors);
    ASSERT_EQ(m.size(), 4u);
    EXPECT_NEAR(m[0], std::log(2.0), 1e-12);
    EXPECT_NEAR(m[3], std::log(2.0), 1e-12);
    EXPECT_NEAR(m[1], 0.0, 1e-12);
    EXPECT_NEAR(m[2], 0.0, 1e-12);
    auto h = discrete_entropy(factors);
    EXPECT_NEAR(h[0], std::log(2.0), 1e-12);
}

TEST(DiscreteMutualInfo, MatchesSklearnOnSmallTable) {
    // sklearn.metrics.mutual_info_score([0,0,1,1,2,2], [0,0,0,1,1,1]) = 0.4620981203732969
    EXPECT_NEAR(mutual_info({0, 0, 1, 1, 2, 2}, {0, 0, 0, 1, 1, 1}), 0.4620981203732969, 1e-14);
    // Label values are arbitrary.
    EXPECT_NEAR(mutual_info({-7, -7, 90, 90, 3, 3}, {5, 5, 5, 1, 1, 1}), 0.4620981203732969, 1e-14);
}

}  // namespace
}  // namespace disent::metrics
