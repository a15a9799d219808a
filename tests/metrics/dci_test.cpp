// DCI: importance-matrix unit cases and the disentanglement_lib identity / permuted / duplicated tests.
#include "metrics/dci.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

const double kOneMinusLog10Of2 = 1.0 - std::log(2.0) / std::log(10.0);  // 0.69897

ImportanceMatrix diag(int64_t n, double v = 5.0) {
    ImportanceMatrix r{n, n, std::vector<double>(n * n, 0.0)};
    for (int64_t i = 0; i < n; ++i) r.values[i * n + i] = v;
    return r;
}

TEST(DciImportance, Diagonal) {
    auto r = diag(5);
    EXPECT_NEAR(dci_disentanglement(r), 1.0, 1e-6);
    EXPECT_NEAR(dci_completeness(r), 1.0, 1e-6);
}

TEST(DciImportance, DiagonalWithEmptyCode) {
    ImportanceMatrix r{3, 2, {1, 0, 0, 1, 0, 0}};
    EXPECT_NEAR(dci_disentanglement(r), 1.0, 1e-6);
    EXPECT_NEAR(dci_completeness(r), 1.0, 1e-6);
}

TEST(DciImportance, Zeros) {
    ImportanceMatrix r{5, 5, std::vector<double>(25, 0.0)};
    EXPECT_NEAR(dci_disentanglement(r), 0.0, 1e-7);
    EXPECT_NEAR(dci_completeness(r), 0.0, 1e-7);
}

TEST(DciImportance, RedundantCodes) {  // vstack([diag, diag]): 10 codes x 5 factors
    auto d = diag(5);
    ImportanceMatrix r{10, 5, d.values};
    r.values.insert(r.values.end(), d.values.begin(), d.values.end());
    EXPECT_NEAR(dci_disentanglement(r), 1.0, 1e-6);
    EXPECT_NEAR(dci_completeness(r), kOneMinusLog10Of2, 1e-6);
    EXPECT_NEAR(dci_completeness(r), 0.69897, 1e-5);
}

TEST(DciImportance, MissedFactors) {  // first two rows of diag5
    auto d = diag(5);
    ImportanceMatrix r{2, 5, std::vector<double>(d.values.begin(), d.values.begin() + 10)};
    EXPECT_NEAR(dci_disentanglement(r), 1.0, 1e-6);
    EXPECT_NEAR(dci_completeness(r), 1.0, 1e-6);
}

TEST(DciImportance, OneCodeTwoFactors) {  // hstack([diag, diag]): 5 codes x 10 factors
    ImportanceMatrix r{5, 10, std::vector<double>(50, 0.0)};
    for (int64_t i = 0; i < 5; ++i) r.values[i * 10 + i] = r.values[i * 10 + 5 + i] = 5.0;
    EXPECT_NEAR(dci_disentanglement(r), kOneMinusLog10Of2, 1e-6);
    EXPECT_NEAR(dci_completeness(r), 1.0, 1e-6);
}

TEST(DciImportance, RejectsBadShape) {
    EXPECT_THROW(dci_disentanglement(ImportanceMatrix{2, 2, {1, 0, 0}}), std::invalid_argument);
}

// dlib test setup: 1000 train / 1000 test points of IdentityObservationsData.
struct DciIdentity : ::testing::Test {
    void SetUp() override {
        Rng rng(0);
        train = testing::identity_factors(1000, rng);
        test = testing::identity_factors(1000, rng);
    }
    Factors train, test;
};

TEST_F(DciIdentity, IdentityCodes) {
    auto s = compute_dci(testing::identity_codes(train), train, testing::identity_codes(test), test, 0);
    EXPECT_GE(s["dci.disentanglement"], 0.9);
    EXPECT_LE(s["dci.disentanglement"], 1.0);
    EXPECT_GE(s["dci.completeness"], 0.9);
    EXPECT_LE(s["dci.completeness"], 1.0);
    EXPECT_GE(s["dci.informativeness_train"], 0.99);
    EXPECT_GE(s["dci.informativeness_test"], 0.99);
}

TEST_F(DciIdentity, PerSamplePermutedCodes) {
    Rng rng(1);
    auto s = compute_dci(testing::permuted_codes(testing::identity_codes(train), rng), train,
                         testing::permuted_codes(testing::identity_codes(test), rng), test, 0);
    EXPECT_GE(s["dci.disentanglement"], 0.0);
    EXPECT_LE(s["dci.disentanglement"], 0.2);
    EXPECT_GE(s["dci.completeness"], 0.0);
    EXPECT_LE(s["dci.completeness"], 0.2);
}

TEST_F(DciIdentity, DuplicatedCodes) {
    auto s = compute_dci(testing::duplicated_codes(testing::identity_codes(train)), train,
                         testing::duplicated_codes(testing::identity_codes(test)), test, 0);
    EXPECT_GE(s["dci.disentanglement"], 0.9);
    EXPECT_LE(s["dci.disentanglement"], 1.0);
    EXPECT_NEAR(s["dci.completeness"], 0.699, 0.1);
}

TEST_F(DciIdentity, ZeroCodesGiveZero) {  // constant codes: no tree splits, R = 0 -> D = C = 0
    auto s = compute_dci(testing::zero_codes(train), train, testing::zero_codes(test), test, 0);
    EXPECT_NEAR(s["dci.disentanglement"], 0.0, 1e-7);
    EXPECT_NEAR(s["dci.completeness"], 0.0, 1e-7);
}

}  // namespace
}  // namespace disent::metrics
