// Unsupervised scores: disentanglement_lib's unsupervised_metrics_test closed forms, plus the
// inter-group fairness helper of fairness_test.
#include "metrics/unsupervised.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/discretize.hpp"
#include "metrics/fairness.hpp"
#include "metrics/stats.hpp"
#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

TEST(GaussianTotalCorrelation, IdentityIsZero) {
    EXPECT_NEAR(gaussian_total_correlation({1, 0, 0, 0, 1, 0, 0, 0, 1}, 3), 0.0, 1e-12);
}

TEST(GaussianTotalCorrelation, ClosedForm) {
    const double v = gaussian_total_correlation({1, 0.9, 0.9, 1}, 2);
    EXPECT_NEAR(v, -0.5 * std::log(0.19), 1e-12);
    EXPECT_NEAR(v, 0.8304, 1e-4);
}

TEST(GaussianWassersteinCorrelation, IdentityIsZero) {
    EXPECT_NEAR(gaussian_wasserstein_correlation({1, 0, 0, 0, 1, 0, 0, 0, 1}, 3), 0.0, 1e-12);
}

TEST(GaussianWassersteinCorrelation, ClosedForm) {
    const double v = gaussian_wasserstein_correlation({1, 0.9, 0.9, 1}, 2);
    EXPECT_NEAR(v, 4.0 - 2.0 * (std::sqrt(1.9) + std::sqrt(0.1)), 1e-12);
    EXPECT_NEAR(v, 0.6107, 1e-4);
}

TEST(GaussianWassersteinCorrelation, UnequalVariancesUseScaledMatrix) {
    // S = [[4, 1], [1, 1]]: D S = [[16, 4], [1, 1]], eigenvalues of D^1/2 S D^1/2 = [[16, 2], [2, 1]].
    const double t = 17.0, d = 16.0 - 4.0;
    const double e1 = 0.5 * (t + std::sqrt(t * t - 4 * d)), e2 = 0.5 * (t - std::sqrt(t * t - 4 * d));
    EXPECT_NEAR(gaussian_wasserstein_correlation({4, 1, 1, 1}, 2), 2.0 * 5.0 - 2.0 * (std::sqrt(e1) + std::sqrt(e2)), 1e-10);
}

TEST(Unsupervised, IndependentGaussiansNearZero) {
    Rng rng(0);
    Codes c{20000, 3, {}};
    for (int64_t i = 0; i < c.n * c.z; ++i) {  // Box-Muller
        const double u = rng.uniform01() + 1e-300, w = rng.uniform01();
        c.values.push_back(std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * w));
    }
    auto r = compute_unsupervised(c);
    EXPECT_NEAR(r["unsup.gauss_total_corr"], 0.0, 0.01);
    EXPECT_NEAR(r["unsup.gauss_wasser_corr"], 0.0, 0.01);
    EXPECT_NEAR(r["unsup.gauss_wasser_corr_norm"], 0.0, 0.01);
    EXPECT_GE(r["unsup.mi_score"], 0.0);
    EXPECT_LE(r["unsup.mi_score"], 0.02);
}

TEST(Unsupervised, DuplicatedLatentsShareAllInformation) {
    Rng rng(1);
    Factors f = testing::identity_factors(2000, rng, 1);
    auto r = compute_unsupervised(testing::duplicated_codes(testing::identity_codes(f)));
    EXPECT_NEAR(r["unsup.mi_score"], entropy(column(f, 0)), 1e-12);
}

TEST(Stats, EigenvaluesAndLogDet) {
    auto ev = symmetric_eigenvalues({2, 1, 0, 1, 2, 0, 0, 0, 5}, 3);
    EXPECT_NEAR(ev[0], 5, 1e-12);
    EXPECT_NEAR(ev[1], 3, 1e-12);
    EXPECT_NEAR(ev[2], 1, 1e-12);
    int sign = 0;
    EXPECT_NEAR(log_abs_det({0, 2, 3, 0}, 2, &sign), std::log(6.0), 1e-12);
    EXPECT_EQ(sign, -1);
}

TEST(Stats, RanksCorrelationsPercentile) {
    EXPECT_EQ(average_ranks({3, 1, 3, 2}), (std::vector<double>{3.5, 1, 3.5, 2}));
    EXPECT_NEAR(spearman({1, 2, 3, 4}, {10, 20, 30, 1000}), 1.0, 1e-12);
    EXPECT_NEAR(pearson({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
    EXPECT_TRUE(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));
    EXPECT_NEAR(percentile({1, 2, 3, 4}, 50), 2.5, 1e-12);
    EXPECT_NEAR(percentile({0, 10}, 99), 9.9, 1e-12);
    EXPECT_NEAR(roc_auc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75, 1e-12);
}

TEST(Fairness, InterGroupFairness) {
    auto [mean, mx] = inter_group_fairness({0, 100, 100, 100}, 2, 2);
    EXPECT_NEAR(mean, 2.0 / 9.0, 1e-12);
    EXPECT_NEAR(mx, 1.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace disent::metrics
