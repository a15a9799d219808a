// Sanity of the sklearn-style gradient boosting classifier used by DCI.
#include "metrics/gbt.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/rng.hpp"

namespace disent::metrics {
namespace {

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(Gbt, SeparableOneDimensionBinary) {
    std::vector<double> x;
    std::vector<int64_t> y;
    for (int i = 0; i < 100; ++i) {
        x.push_back(i * 0.1);
        y.push_back(i < 37 ? 3 : 8);  // arbitrary label values
    }
    GradientBoostingClassifier m;
    m.fit(x, 100, 1, y);
    EXPECT_EQ(m.classes(), (std::vector<int64_t>{3, 8}));
    EXPECT_EQ(m.num_score_columns(), 1);
    EXPECT_EQ(m.trees().size(), 100u);  // binary: one tree per stage
    EXPECT_DOUBLE_EQ(m.accuracy(x.data(), 100, y.data()), 1.0);
    ASSERT_EQ(m.feature_importances().size(), 1u);
    EXPECT_DOUBLE_EQ(m.feature_importances()[0], 1.0);
    // The first split sits halfway between the two classes.
    EXPECT_EQ(m.trees()[0][0].feature, 0);
    EXPECT_NEAR(m.trees()[0][0].threshold, 3.65, 1e-6);
}

TEST(Gbt, MulticlassUsesKTreesPerStageAndIgnoresNoise) {
    Rng rng(5);
    const int64_t n = 600;
    std::vector<double> x(n * 3);
    std::vector<int64_t> y(n);
    for (int64_t i = 0; i < n; ++i) {
        y[i] = rng.uniform_int(0, 3) * 10 - 5;  // labels -5, 5, 15, 25
        x[i * 3 + 0] = rng.uniform01();                 // noise
        x[i * 3 + 1] = (y[i] + 5) / 10 + 0.5 * rng.uniform01();  // informative, separable
        x[i * 3 + 2] = rng.uniform01();                 // noise
    }
    GradientBoostingClassifier m;
    m.fit(x, n, 3, y);
    EXPECT_EQ(m.classes(), (std::vector<int64_t>{-5, 5, 15, 25}));
    EXPECT_EQ(m.num_score_columns(), 4);
    EXPECT_EQ(m.trees().size(), 400u);
    EXPECT_DOUBLE_EQ(m.accuracy(x.data(), n, y.data()), 1.0);
    const auto& imp = m.feature_importances();
    EXPECT_NEAR(sum(imp), 1.0, 1e-12);
    EXPECT_GT(imp[1], 0.9);
    for (double v : imp) EXPECT_GE(v, 0.0);
}

TEST(Gbt, NoisyProblemImportancesSumToOneAndSeedIsDeterministic) {
    Rng rng(9);
    const int64_t n = 400, d = 4;
    std::vector<double> x(n * d);
    std::vector<int64_t> y(n);
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t f = 0; f < d; ++f) x[i * d + f] = rng.uniform01();
        y[i] = (x[i * d] + x[i * d + 1] + 0.3 * rng.uniform01()) > 1.1 ? 1 : (x[i * d + 2] > 0.5 ? 2 : 0);
    }
    GbtOptions opt;
    opt.seed = 42;
    GradientBoostingClassifier a(opt), b(opt);
    a.fit(x, n, d, y);
    b.fit(x, n, d, y);
    EXPECT_NEAR(sum(a.feature_importances()), 1.0, 1e-12);
    EXPECT_EQ(a.feature_importances(), b.feature_importances());
    EXPECT_GT(a.accuracy(x.data(), n, y.data()), 0.9);
    EXPECT_LT(a.feature_importances()[3], 0.1);  // pure noise feature
}

TEST(Gbt, SingleClassPredictsItWithZeroImportance) {
    std::vector<double> x{1, 2, 3, 4};
    std::vector<int64_t> y{7, 7, 7, 7};
    GradientBoostingClassifier m;
    m.fit(x, 4, 1, y);
    EXPECT_EQ(m.predict(x.data(), 4), y);
    EXPECT_EQ(m.feature_importances(), std::vector<double>{0.0});
    EXPECT_TRUE(m.trees().empty());
}

TEST(Gbt, ConstantFeaturesNeverSplit) {
    std::vector<double> x(20, 1.5);
    std::vector<int64_t> y{0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1};
    GradientBoostingClassifier m;
    m.fit(x, 20, 1, y);
    EXPECT_EQ(m.feature_importances(), std::vector<double>{0.0});
    for (const auto& t : m.trees()) EXPECT_EQ(t.size(), 1u);
    // Only the prior is left: the majority class everywhere.
    for (int64_t p : m.predict(x.data(), 20)) EXPECT_EQ(p, 1);
}

TEST(Gbt, ValuesWithin1e7AreNotSplitApart) {
    // Features are float32 and sklearn never separates values closer than 1e-7.
    std::vector<double> x{0.0, 0.0, 1.0, 1.0 + 5e-8};
    std::vector<int64_t> y{0, 0, 1, 0};
    GradientBoostingClassifier m;
    m.fit(x, 4, 1, y);
    for (const auto& t : m.trees())
        for (const auto& node : t)
            if (node.left >= 0) EXPECT_NEAR(node.threshold, 0.5, 1e-12);
}

TEST(Gbt, DecisionFunctionMatchesPriorWithoutSplits) {
    // Two classes 1:3 and a constant feature: raw score = log(0.75 / 0.25).
    std::vector<double> x(8, 0.0);
    std::vector<int64_t> y{0, 1, 1, 1, 0, 1, 1, 1};
    GradientBoostingClassifier m;
    m.fit(x, 8, 1, y);
    auto raw = m.decision_function(x.data(), 1);
    EXPECT_NEAR(raw[0], std::log(3.0), 1e-6);
}

TEST(Gbt, RejectsNonFiniteFeatures) {
    std::vector<double> x{0.0, std::nan(""), 1.0, 2.0};
    std::vector<int64_t> y{0, 0, 1, 1};
    GradientBoostingClassifier m;
    EXPECT_THROW(m.fit(x, 4, 1, y), std::runtime_error);
    x[1] = 1e300;  // overflows float32, as sklearn reports too
    EXPECT_THROW(m.fit(x, 4, 1, y), std::runtime_error);
}

}  // namespace
}  // namespace disent::metrics
