// Modularity and explicitness: disentanglement_lib's modularity_explicitness_test (MI-matrix unit cases,
// identity 3000/3000, per-sample permuted 20000/20000, duplicated 3000/3000) and the unified-score test.
#include "metrics/modularity.hpp"

#include <gtest/gtest.h>

#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

std::vector<double> diag(int64_t n) {
    std::vector<double> m(n * n, 0.0);
    for (int64_t i = 0; i < n; ++i) m[i * n + i] = 1.0;
    return m;
}

TEST(ModularityMatrix, Diagonal) { EXPECT_NEAR(modularity_from_mi(diag(5), 5, 5), 1.0, 1e-12); }

TEST(ModularityMatrix, DiagonalWithEmptyCode) {  // [[1,0],[0,1],[0,0]]
    EXPECT_NEAR(modularity_from_mi({1, 0, 0, 1, 0, 0}, 3, 2), 2.0 / 3.0, 1e-12);
}

TEST(ModularityMatrix, Zeros) { EXPECT_EQ(modularity_from_mi(std::vector<double>(25, 0.0), 5, 5), 0.0); }

TEST(ModularityMatrix, RedundantCodes) {  // vstack([diag, diag])
    auto d = diag(5);
    std::vector<double> m = d;
    m.insert(m.end(), d.begin(), d.end());
    EXPECT_NEAR(modularity_from_mi(m, 10, 5), 1.0, 1e-12);
}

TEST(ModularityMatrix, MissedFactors) {  // first two rows of diag5
    auto d = diag(5);
    EXPECT_NEAR(modularity_from_mi(std::vector<double>(d.begin(), d.begin() + 10), 2, 5), 1.0, 1e-12);
}

TEST(ModularityMatrix, OneCodeTwoFactors) {  // hstack([diag, diag]): 5 x 10
    std::vector<double> m(50, 0.0);
    for (int i = 0; i < 5; ++i) m[i * 10 + i] = m[i * 10 + 5 + i] = 1.0;
    EXPECT_NEAR(modularity_from_mi(m, 5, 10), 8.0 / 9.0, 1e-12);
}

struct ModularityData : ::testing::Test {
    Factors train, test;
    void make(int64_t n) {
        Rng rng(0);
        train = testing::identity_factors(n, rng);
        test = testing::identity_factors(n, rng);
    }
};

TEST_F(ModularityData, Identity) {
    make(3000);
    auto r = compute_modularity(testing::identity_codes(train), train, testing::identity_codes(test), test);
    EXPECT_GE(r["modularity.modularity_score"], 0.9);
    EXPECT_LE(r["modularity.modularity_score"], 1.0);
    // Each factor is one standardised latent among nine independent ones: the 10-class logistic
    // regression separates the classes well in one-vs-rest AUC.
    EXPECT_GE(r["modularity.explicitness_score_train"], 0.8);
    EXPECT_LE(r["modularity.explicitness_score_train"], 1.0);
    EXPECT_GE(r["modularity.explicitness_score_test"], 0.8);
    EXPECT_LE(r["modularity.explicitness_score_test"], 1.0);
}

TEST_F(ModularityData, PermutedCodes) {
    make(20000);
    Rng rng(5);
    auto r = compute_modularity(testing::permuted_codes(testing::identity_codes(train), rng), train,
                                testing::identity_codes(test), test, false);
    EXPECT_GE(r["modularity.modularity_score"], 0.0);
    EXPECT_LE(r["modularity.modularity_score"], 0.2);
}

TEST_F(ModularityData, DuplicatedCodes) {
    make(3000);
    auto c = testing::duplicated_codes(testing::identity_codes(train));
    auto r = compute_modularity(c, train, testing::duplicated_codes(testing::identity_codes(test)), test, false);
    EXPECT_GE(r["modularity.modularity_score"], 0.9);
    EXPECT_LE(r["modularity.modularity_score"], 1.0);
}

TEST(ModularityUnified, IdentityTenThousand) {  // "unified scores": MI-matrix modularity on identity (10000)
    Rng rng(4);
    Factors f = testing::identity_factors(10000, rng);
    auto c = testing::identity_codes(f);
    auto r = compute_modularity(c, f, c, f, false);
    EXPECT_GE(r["modularity.modularity_score"], 0.9);
    EXPECT_LE(r["modularity.modularity_score"], 1.0);
}

}  // namespace
}  // namespace disent::metrics
