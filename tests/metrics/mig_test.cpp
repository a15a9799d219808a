// MIG: disentanglement_lib's identity / zeros / duplicated tests (identity discretiser) plus the
// histogram path.
#include "metrics/mig.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

struct MigIdentity : ::testing::Test {
    void SetUp() override {
        Rng rng(0);
        factors = testing::identity_factors(3000, rng);
    }
    Factors factors;
};

TEST_F(MigIdentity, IdentityCodes) {
    double s = mig_from_discrete(testing::as_discrete(testing::identity_codes(factors)), factors);
    EXPECT_GE(s, 0.9);
    EXPECT_LE(s, 1.0);
}

TEST_F(MigIdentity, ZeroCodes) {
    double s = mig_from_discrete(testing::as_discrete(testing::zero_codes(factors)), factors);
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 0.2);
}

TEST_F(MigIdentity, DuplicatedCodes) {
    double s = mig_from_discrete(testing::as_discrete(testing::duplicated_codes(testing::identity_codes(factors))), factors);
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 0.1);
}

TEST_F(MigIdentity, HistogramPathOnIdentityCodes) {
    // 10 integer values over 20 equal bins keep every value in its own bin: same score as identity.
    auto codes = testing::identity_codes(factors);
    double direct = mig_from_discrete(testing::as_discrete(codes), factors);
    auto r = compute_mig(codes, factors);
    ASSERT_EQ(r.count("mig.discrete_score"), 1u);
    EXPECT_NEAR(r["mig.discrete_score"], direct, 1e-12);
}

TEST(Mig, PerfectBinaryCodeIsOne) {
    // One latent copies the factor, the other is constant: gap = H, so MIG = 1 exactly.
    Factors f{4, 1, {0, 1, 0, 1}};
    Factors c{4, 2, {0, 7, 1, 7, 0, 7, 1, 7}};
    EXPECT_NEAR(mig_from_discrete(c, f), 1.0, 1e-12);
}

}  // namespace
}  // namespace disent::metrics
