// Separable (per-axis banded GEMM) filtering vs the dense FFT convolution: values and gradients, borders
// included, for box and Gaussian kernels, and through the augmented loss.
#include <gtest/gtest.h>
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "losses/augmented_recon_loss.hpp"
#include "losses/conv2d.hpp"
#include "losses/kernel.hpp"
#include "losses/recon_loss.hpp"

using namespace disent::losses;

namespace {

// float32 rounding: both paths are float32 sums of at most 63·63 products of inputs in [-1, 1] with
// taps that sum to ≤ 1; measured differences stay below 6e-7 (5 ulp at 1.0), so we allow 2e-6 absolute,
// and the same bound for each path against the float64 dense result.
constexpr double kTol = 2e-6;

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// Value and input gradient of y = conv(x) under a fixed random upstream gradient g.
std::pair<torch::Tensor, torch::Tensor> value_and_grad(const torch::Tensor& x0, const torch::Tensor& g,
                                                       const std::function<torch::Tensor(const torch::Tensor&)>& conv) {
    auto x = x0.clone().requires_grad_();
    auto y = conv(x);
    (y * g).sum().backward();
    return {y.detach(), x.grad()};
}

std::vector<std::pair<std::string, Kernel>> kernels() {
    std::vector<std::pair<std::string, Kernel>> out;
    for (int r : {0, 1, 2, 7, 31}) out.emplace_back("box_r" + std::to_string(r), make_box_kernel(r));
    out.emplace_back("gau sigma=1", make_gaussian_kernel(1.0));
    out.emplace_back("gau_r31 norm_sum", normalize_kernel(make_kernel("gau_r31"), "sum"));
    return out;
}

// CPU autocast to bf16 on or off (the API's names changed in LibTorch 2.4).
void cpu_bf16_autocast(bool on) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(at::kCPU, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCPU, on);
#else
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(on);
#endif
    if (!on) at::autocast::clear_cache();
}

}  // namespace

TEST(SeparableBlur, CarriesFactorsOfTheDenseKernel) {
    for (const auto& [name, k] : kernels()) {
        ASSERT_TRUE(k.separable()) << name;
        ASSERT_EQ(k.col.numel(), k.dense.size(2));
        // equal up to the float32 rounding of each (2 ulp of the largest tap)
        EXPECT_LT(max_abs_diff(torch::outer(k.col, k.row), k.dense[0][0]), 2.4e-7 * k.dense.max().item<double>()) << name;
    }
    // normalisation scales the factors with the dense kernel (gau_r1 sums to 2.55 before)
    auto n = normalize_kernel(make_kernel("gau_r1"), "sum");
    EXPECT_NEAR(torch::outer(n.col, n.row).sum().item<double>(), 1.0, 1e-6);
    EXPECT_LT(max_abs_diff(torch::outer(n.col, n.row), n.dense[0][0]), 2.4e-7 * n.dense.max().item<double>());
    EXPECT_FALSE(Kernel(torch::ones({1, 1, 3, 3})).separable());
}

TEST(SeparableBlur, ValueAndGradientEqualFftIncludingBorders) {
    torch::manual_seed(12);
    const std::vector<std::vector<int64_t>> shapes = {{2, 1, 8, 8}, {2, 3, 17, 23}, {2, 3, 64, 64}, {3, 17, 23}, {1, 1, 1, 5}};
    double worst = 0.0;
    for (const auto& [name, k] : kernels()) {
        for (const auto& shape : shapes) {
            auto x = torch::rand(shape) * 2 - 1, g = torch::rand(shape) * 2 - 1;
            auto [ys, gs] = value_and_grad(x, g, [&](const torch::Tensor& t) { return conv2d_channel_wise_separable(t, k.col, k.row); });
            auto [yf, gf] = value_and_grad(x, g, [&](const torch::Tensor& t) { return conv2d_channel_wise_fft(t, k.dense); });
            // float64 reference of the same float32 kernel
            auto [yd, gd] = value_and_grad(x.to(torch::kFloat64), g.to(torch::kFloat64),
                                           [&](const torch::Tensor& t) { return conv2d_channel_wise_fft(t, k.dense); });
            ASSERT_EQ(ys.sizes(), x.sizes());
            EXPECT_EQ(ys.scalar_type(), torch::kFloat32);
            const std::string where = name + " on " + c10::str(x.sizes());
            EXPECT_LT(max_abs_diff(ys, yf), kTol) << where;
            EXPECT_LT(max_abs_diff(gs, gf), kTol) << where;
            EXPECT_LT(max_abs_diff(ys, yd), kTol) << where;
            EXPECT_LT(max_abs_diff(gs, gd), kTol) << where;
            worst = std::max({worst, max_abs_diff(ys, yf), max_abs_diff(gs, gf)});
        }
    }
    RecordProperty("max_abs_diff_vs_fft", c10::str(worst));
}

TEST(SeparableBlur, BordersAreZeroPaddedAndAsymmetricTapsConvolve) {
    // box_r1 of a constant 8×8 image: interior 1, corner 4/9, edge 6/9 (zero padding, as the FFT path)
    auto k = make_box_kernel(1);
    auto y = conv2d_channel_wise_separable(torch::ones({1, 1, 8, 8}, torch::kFloat64), k.col, k.row);
    EXPECT_EQ(y.scalar_type(), torch::kFloat64);
    EXPECT_NEAR(y[0][0][4][4].item<double>(), 1.0, 1e-7);
    EXPECT_NEAR(y[0][0][0][0].item<double>(), 4.0 / 9.0, 1e-7);
    EXPECT_NEAR(y[0][0][0][4].item<double>(), 6.0 / 9.0, 1e-7);
    // asymmetric, non-square factors: still the true (flipped) convolution of the FFT path
    torch::manual_seed(5);
    auto col = torch::rand({5}), row = torch::rand({3});
    auto x = torch::rand({2, 3, 12, 10});
    auto dense = torch::outer(col, row).reshape({1, 1, 5, 3});
    EXPECT_LT(max_abs_diff(conv2d_channel_wise_separable(x, col, row), conv2d_channel_wise_fft(x, dense)), 1e-5);
    EXPECT_THROW(conv2d_channel_wise_separable(x, torch::ones({4}), row), std::invalid_argument);
    EXPECT_THROW(conv2d_channel_wise_separable(x, col, torch::ones({1, 3})), std::invalid_argument);
}

TEST(SeparableBlur, KeepsTheInputPrecisionUnderBf16Autocast) {
    // train.bf16_autocast puts the loss under autocast (CUDA); matmul is on its bf16 list. The CPU
    // autocast takes the same dispatch path, so it shows that the blur's GEMMs stay in float32.
    auto k = make_box_kernel(31);
    auto x = torch::rand({2, 3, 64, 64});
    const auto want = conv2d_channel_wise_separable(x, k.col, k.row);
    cpu_bf16_autocast(true);
    const bool bf16_matmul = torch::matmul(x[0][0], x[0][0]).scalar_type() == torch::kBFloat16;
    const auto got = conv2d_channel_wise_separable(x, k.col, k.row);
    cpu_bf16_autocast(false);
    EXPECT_TRUE(bf16_matmul);  // autocast was really on
    EXPECT_EQ(got.scalar_type(), torch::kFloat32);
    EXPECT_EQ(max_abs_diff(got, want), 0.0);
}

TEST(SeparableBlur, AugmentedLossMatchesTheDensePath) {
    // The paper's box-blur loss takes the separable path; the same kernel given densely takes the FFT one.
    torch::manual_seed(21);
    for (const std::string name : {"mse_box_r31_l1.0_k3969.0", "mse_gau_r4_l1.0_k10.0_norm_sum", "mae_box_r2_l0.5_k9.0"}) {
        auto fast = make_recon_loss(name);
        const auto& aug = dynamic_cast<const AugmentedReconLoss&>(*fast);
        ASSERT_TRUE(aug.separable()) << name;
        AugmentedReconLoss dense(make_plain_recon_loss(aug.base().name()), Kernel(aug.kernel()), aug.w_l(), aug.w_k(), "none", name);
        ASSERT_FALSE(dense.separable());
        for (const auto& shape : std::vector<std::vector<int64_t>>{{4, 3, 64, 64}, {3, 1, 17, 23}}) {
            auto x = torch::rand(shape);
            auto y0 = torch::rand(shape);
            auto ya = y0.clone().requires_grad_(), yb = y0.clone().requires_grad_();
            auto la = fast->compute(ya, x, Reduction::MeanSum), lb = dense.compute(yb, x, Reduction::MeanSum);
            la.backward();
            lb.backward();
            const std::string where = name + " on " + c10::str(x.sizes());
            // relative: the loss sums 64·64·3 terms (float32 accumulation)
            EXPECT_NEAR(la.item<double>() / lb.item<double>(), 1.0, 1e-5) << where;
            EXPECT_LT(max_abs_diff(ya.grad(), yb.grad()) / yb.grad().abs().max().item<double>(), 1e-5) << where;
        }
    }
}
