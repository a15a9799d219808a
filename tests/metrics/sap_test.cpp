// SAP: disentanglement_lib's sap_score_test (continuous mode, 3000/3000) and the unified-score test
// (SVM-accuracy SAP on duplicated codes), plus LinearSVC sanity checks.
#include "metrics/sap.hpp"

#include <gtest/gtest.h>

#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

struct SapIdentity : ::testing::Test {
    void SetUp() override {
        Rng rng(0);
        train = testing::identity_factors(3000, rng);
        test = testing::identity_factors(3000, rng);
    }
    Factors train, test;
};

TEST_F(SapIdentity, IdentityContinuous) {
    double s = compute_sap(testing::identity_codes(train), train, testing::identity_codes(test), test, true)["sap.score"];
    EXPECT_GE(s, 0.9);
    EXPECT_LE(s, 1.0);
}

TEST_F(SapIdentity, ZerosContinuous) {
    double s = compute_sap(testing::zero_codes(train), train, testing::zero_codes(test), test, true)["sap.score"];
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 0.2);
}

TEST_F(SapIdentity, DuplicatedContinuous) {
    auto c = testing::duplicated_codes(testing::identity_codes(train));
    auto ct = testing::duplicated_codes(testing::identity_codes(test));
    double s = compute_sap(c, train, ct, test, true)["sap.score"];
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 0.2);
}

TEST(SapDiscrete, DuplicatedSvmAccuracyGapCollapses) {
    Rng rng(1);
    Factors train = testing::identity_factors(1000, rng, 4), test = testing::identity_factors(1000, rng, 4);
    auto c = testing::duplicated_codes(testing::identity_codes(train));
    auto ct = testing::duplicated_codes(testing::identity_codes(test));
    double s = compute_sap(c, train, ct, test, false)["sap.score"];
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 0.2);
}

TEST(SapDiscrete, IdentityBinaryFactorsArePerfect) {
    // Binary factors: a threshold on the right latent separates them exactly, others are at chance.
    Rng rng(2);
    Factors train = testing::identity_factors(1000, rng, 3, 2), test = testing::identity_factors(1000, rng, 3, 2);
    double s = compute_sap(testing::identity_codes(train), train, testing::identity_codes(test), test, false)["sap.score"];
    EXPECT_GE(s, 0.4);
    EXPECT_LE(s, 1.0);
    auto m = sap_score_matrix(testing::identity_codes(train), train, testing::identity_codes(test), test, false);
    for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(m[j * 3 + j], 1.0);
}

TEST(LinearSvc, SingleClassPredictsIt) {
    EXPECT_DOUBLE_EQ(linear_svc_accuracy({1, 2, 3}, {4, 4, 4}, {0, 5}, {4, 3}), 0.5);
}

TEST(LinearSvc, DeterministicAndSeparatesThreshold) {
    std::vector<double> x;
    std::vector<int64_t> y;
    for (int i = 0; i < 200; ++i) x.push_back(i / 10.0 - 10.0), y.push_back(i >= 100 ? 7 : 3);
    double a = linear_svc_accuracy(x, y, x, y);
    EXPECT_GE(a, 0.95);
    EXPECT_EQ(a, linear_svc_accuracy(x, y, x, y));
}

TEST(SapMatrix, GapOfTopTwo) {
    // 3 latents x 2 factors
    std::vector<double> s = {0.9, 0.1, 0.5, 0.2, 0.1, 0.8};
    EXPECT_NEAR(sap_from_matrix(s, 3, 2), ((0.9 - 0.5) + (0.8 - 0.2)) / 2, 1e-12);
    EXPECT_NEAR(sap_from_matrix({0.7, 0.3}, 1, 2), 0.5, 1e-12);  // one latent: gap = top score
}

}  // namespace
}  // namespace disent::metrics
