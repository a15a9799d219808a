// IRS: disentanglement_lib's irs_test (identity discretiser, quantile 0.99, num_train 3000) and the
// drop-constant-dims unit case.
#include "metrics/irs.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

TEST(Irs, Identity) {
    Rng rng(0);
    Factors f = testing::identity_factors(3000, rng);
    auto r = compute_irs(testing::identity_codes(f), f, 0.99, false);
    EXPECT_GE(r["irs.score"], 0.9);
    EXPECT_LE(r["irs.score"], 1.0);
    EXPECT_EQ(r["irs.num_active_dims"], 10.0);
    // 20-bin discretisation of 10-valued factors keeps the classes: same score.
    EXPECT_NEAR(compute_irs(testing::identity_codes(f), f)["irs.score"], r["irs.score"], 1e-12);
}

TEST(Irs, Zeros) {
    Rng rng(0);
    Factors f = testing::identity_factors(3000, rng);
    auto r = compute_irs(testing::zero_codes(f), f, 0.99, false);
    EXPECT_GE(r["irs.score"], 0.0);
    EXPECT_LE(r["irs.score"], 0.1);
    EXPECT_EQ(r["irs.num_active_dims"], 0.0);
}

TEST(Irs, DropConstantDims) {
    // 100 latents x 100 points of normal noise, the first latent constant 1 and the last constant 0.
    Rng rng(0);
    Codes c{100, 100, std::vector<double>(100 * 100)};
    for (int64_t i = 0; i < 100; ++i)
        for (int64_t j = 0; j < 100; ++j) {
            const double u = rng.uniform01() + 1e-300, w = rng.uniform01();
            c.values[i * 100 + j] = j == 0 ? 1.0 : j == 99 ? 0.0 : std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * w);
        }
    std::vector<int64_t> expect;
    for (int64_t j = 1; j <= 98; ++j) expect.push_back(j);
    EXPECT_EQ(non_constant_dims(c), expect);
}

}  // namespace
}  // namespace disent::metrics
