// Augmented (kernel) reconstruction loss, including the paper's XYSquares Fig 10 box-blur distances.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "fig10_box_blur.hpp"
#include "losses/augmented_recon_loss.hpp"
#include "losses/conv2d.hpp"
#include "losses/kernel.hpp"
#include "losses/recon_loss.hpp"

using namespace disent::losses;

namespace {

constexpr int N = 64, C = 3, S = 8;

// ---- closed-form oracle, ported from shared/reference/xysquares_exact.py (double precision) ----
// Number of pixels of the square [lo, lo+S) inside the box window [p-r, p+r], for every p.
std::vector<double> window_counts(int lo, int r = 31) {
    std::vector<double> out(N);
    for (int p = 0; p < N; ++p) out[p] = std::max(0, std::min(p + r, lo + S - 1) - std::max(p - r, lo) + 1);
    return out;
}

double mse_factor(int spacing, int i, int j) { return std::min(spacing * std::abs(i - j), S) / 768.0; }

// Mean over 3·64·64 of (blur(a) − blur(b))² for one square moved along x at row offset y.
double box_aug_term(int xa, int xb, int y, int r = 31) {
    const double k2 = (2.0 * r + 1) * (2.0 * r + 1);
    auto rc = window_counts(y, r), ca = window_counts(xa, r), cb = window_counts(xb, r);
    double tot = 0.0;
    for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) tot += std::pow(rc[i] * (ca[j] - cb[j]) / k2, 2);
    return tot / (C * N * N);
}

double fig10_oracle(int i, int j) {
    if (i == j) return 0.0;
    double acc = 0.0;
    for (int yy = 0; yy < 8; ++yy) acc += mse_factor(8, i, j) + 3969.0 * box_aug_term(8 * i, 8 * j, 8 * yy);
    return acc / 8;
}

// Batch of 8 XYSquares-like images (one per y = 8·yy): red square at x = 8·xi, y = 8·yy;
// green and blue squares at fixed places, identical in every image.
torch::Tensor xysquares_batch(int xi, torch::Dtype dt) {
    auto img = torch::zeros({8, C, N, N}, dt);
    for (int yy = 0; yy < 8; ++yy) {
        img.index_put_({yy, 0, torch::indexing::Slice(8 * yy, 8 * yy + S), torch::indexing::Slice(8 * xi, 8 * xi + S)},
                       1.0);
        img.index_put_({yy, 1, torch::indexing::Slice(16, 24), torch::indexing::Slice(40, 48)}, 1.0);
        img.index_put_({yy, 2, torch::indexing::Slice(48, 56), torch::indexing::Slice(0, 8)}, 1.0);
    }
    return img;
}

}  // namespace

TEST(XYSquaresOracle, PortMatchesPrintedFig10) {
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) EXPECT_NEAR(fig10_oracle(i, j), disent::testing::kFig10BoxBlur[i][j], 5.01e-5) << i << "," << j;
}

TEST(AugmentedLoss, XYSquaresFig10BoxBlurDistances) {
    auto loss = make_recon_loss("mse_box_r31_l1.0_k3969.0");  // legacy paper name → normalise "sum"
    auto mse = make_recon_loss("mse");
    for (auto dt : {torch::kFloat64, torch::kFloat32}) {
        std::vector<torch::Tensor> imgs;
        for (int i = 0; i < 8; ++i) imgs.push_back(xysquares_batch(i, dt));
        for (int i = 0; i < 8; ++i) {
            for (int j = 0; j < 8; ++j) {
                // Perceived distance averaged over the 8 rows the red square can sit on.
                const double got = loss->pairwise(imgs[i], imgs[j]).mean().item<double>();
                const double want = fig10_oracle(i, j);
                if (i == j) {
                    EXPECT_NEAR(got, 0.0, 1e-9);
                } else {
                    EXPECT_NEAR(got / want, 1.0, 1e-5) << "dtype " << dt << " i=" << i << " j=" << j;
                }
                // Plain MSE cannot tell near from far: min(8|i−j|, 8)/768.
                const double plain = mse->pairwise(imgs[i], imgs[j]).mean().item<double>();
                EXPECT_NEAR(plain, mse_factor(8, i, j), 1e-7);
            }
        }
    }
}

TEST(AugmentedLoss, TrainingPathAndStandardisedScaling) {
    auto loss = make_recon_loss("mse_box_r31_l1.0_k3969.0_norm_sum");
    auto a = xysquares_batch(1, torch::kFloat64), b = xysquares_batch(5, torch::kFloat64);
    const double want = fig10_oracle(1, 5);
    // Identity activation: the training loss (mean reduction) equals the mean pairwise distance.
    EXPECT_NEAR(loss->compute(a, b, Reduction::Mean).item<double>() / want, 1.0, 1e-6);
    EXPECT_NEAR(loss->compute(a, b, Reduction::MeanSum).item<double>() / (want * C * N * N), 1.0, 1e-6);
    // Standardised inputs (x − 1/64)·√65 scale both terms by exactly 65.
    auto sa = (a - 1.0 / 64) * std::sqrt(65.0), sb = (b - 1.0 / 64) * std::sqrt(65.0);
    EXPECT_NEAR(loss->pairwise(sa, sb).mean().item<double>() / (65.0 * want), 1.0, 1e-6);
}

TEST(AugmentedLoss, ConstructionFromNames) {
    auto loss = make_recon_loss("mse_box_r31_l1.0_k3969.0");
    auto* aug = dynamic_cast<AugmentedReconLoss*>(loss.get());
    ASSERT_NE(aug, nullptr);
    EXPECT_EQ(aug->name(), "mse_box_r31_l1.0_k3969.0");
    EXPECT_EQ(aug->base().name(), "mse");
    EXPECT_DOUBLE_EQ(aug->w_l(), 1.0);
    EXPECT_DOUBLE_EQ(aug->w_k(), 3969.0);
    EXPECT_NEAR(aug->kernel().sum().item<double>(), 1.0, 1e-6);
    EXPECT_FALSE(aug->kernel().requires_grad());
    // norm_none keeps the raw Gaussian (sum 2.55 for gau_r1); norm_sum renormalises it.
    auto g_none = make_recon_loss("mse_gau_r1");
    auto g_sum = make_recon_loss("mse_gau_r1_norm_sum");
    EXPECT_NEAR(dynamic_cast<AugmentedReconLoss&>(*g_none).kernel().sum().item<double>(), 2.5499, 1e-4);
    EXPECT_NEAR(dynamic_cast<AugmentedReconLoss&>(*g_sum).kernel().sum().item<double>(), 1.0, 1e-6);
    EXPECT_THROW(make_recon_loss("mse_box_r31_l1.0_k1.0_norm_negsum"), disent::UserError);  // zero divisor
    EXPECT_THROW(make_recon_loss("mse_box_r31_gau_r1"), disent::UserError);
}

TEST(AugmentedLoss, NestingAndNegativeWeightsRejected) {
    auto k = make_kernel("box_r1");
    EXPECT_THROW(AugmentedReconLoss(make_recon_loss("mse_box_r1"), k, 1.0, 1.0, "none", "nested"), disent::UserError);
    EXPECT_THROW(AugmentedReconLoss(make_recon_loss("mse"), k, -1.0, 1.0, "none", "neg"), disent::UserError);
    EXPECT_THROW(AugmentedReconLoss(make_recon_loss("mse"), k, 1.0, NAN, "none", "nan"), disent::UserError);
    EXPECT_THROW(AugmentedReconLoss(make_recon_loss("mse"), torch::ones({1, 1, 2, 2}), 1.0, 1.0, "none", "even"),
                 std::invalid_argument);
}

TEST(AugmentedLoss, WeightsAndActivationFirst) {
    torch::manual_seed(3);
    auto y = torch::randn({2, 3, 10, 12}, torch::kFloat64) * 2;  // partial (logit) outputs
    auto x = torch::rand({2, 3, 10, 12}, torch::kFloat64);
    // the loss filters with the separable factors of gau_r2 (equal to the dense FFT path within float32
    // rounding: test_separable_blur.cpp), so the expectation uses the same factors
    auto kn = normalize_kernel(make_kernel("gau_r2"), "sum");
    // bce wrapped: activation first, then the ACTIVATED bce on raw and on blurred images.
    auto loss = make_recon_loss("bce_gau_r2_l0.5_k2.0_norm_sum");
    BceLoss bce;
    auto p = torch::sigmoid(y);
    auto want = 0.5 * bce.unreduced(p, x) + 2.0 * bce.unreduced(conv2d_channel_wise_separable(p, kn.col, kn.row),
                                                                conv2d_channel_wise_separable(x, kn.col, kn.row));
    EXPECT_LT((loss->unreduced_from_partial(y, x) - want).abs().max().item<double>(), 1e-10);
    EXPECT_NEAR(loss->compute(y, x, Reduction::Mean).item<double>(), want.mean().item<double>(), 1e-10);
    EXPECT_TRUE(torch::allclose(loss->activate(y), p));
    // w_k = 0 reduces to the plain loss (scaled by w_l).
    auto only_l = make_recon_loss("mae_box_r3_l3.0_k0.0_norm_none");
    EXPECT_LT((only_l->unreduced(p, x) - 3.0 * (p - x).abs()).abs().max().item<double>(), 1e-12);
}

TEST(AugmentedLoss, GradientsReachReconstructionNotKernel) {
    auto loss = make_recon_loss("mse_box_r3_l1.0_k49.0");
    auto y = torch::rand({1, 3, 16, 16}).requires_grad_();
    auto x = torch::rand({1, 3, 16, 16});
    loss->compute(y, x, Reduction::MeanSum).backward();
    ASSERT_TRUE(y.grad().defined());
    EXPECT_GT(y.grad().abs().sum().item<float>(), 0.0f);
    auto& aug = dynamic_cast<AugmentedReconLoss&>(*loss);
    EXPECT_FALSE(aug.kernel().grad().defined());
    loss->to(torch::kCPU);  // buffers follow the device; a no-op here
    EXPECT_EQ(aug.kernel().device(), torch::Device(torch::kCPU));
}
