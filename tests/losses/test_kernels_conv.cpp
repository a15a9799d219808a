// Kernel registry, normalisation modes and FFT vs direct channel-wise convolution.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/error.hpp"
#include "losses/conv2d.hpp"
#include "losses/kernel.hpp"

using namespace disent::losses;

namespace {

// Sum of the 2-D gau_r<R> kernel computed independently in double: (Σ_t pdf(t))².
double gaussian_kernel_sum(int R) {
    const double s = R / 4.0;
    const int r = static_cast<int>(4 * s + 0.5);
    double sum = 0.0;
    for (int t = -r; t <= r; ++t) sum += std::exp(-t * t / (2 * s * s)) / (std::sqrt(2 * M_PI) * s);
    return sum * sum;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace

TEST(Kernel, BoxR31) {
    auto k = make_kernel("box_r31").dense;
    ASSERT_EQ(k.sizes(), torch::IntArrayRef({1, 1, 63, 63}));
    EXPECT_EQ(k.scalar_type(), torch::kFloat32);
    EXPECT_FALSE(k.requires_grad());
    EXPECT_LT((k.to(torch::kFloat64) - 1.0 / 3969.0).abs().max().item<double>(), 1e-10);
    EXPECT_NEAR(k.sum().item<double>(), 1.0, 1e-5);
    auto k1 = make_kernel("box_r1").dense;
    ASSERT_EQ(k1.sizes(), torch::IntArrayRef({1, 1, 3, 3}));
    EXPECT_NEAR(k1[0][0][1][2].item<double>(), 1.0 / 9.0, 1e-8);
}

TEST(Kernel, GaussianSizesAndSums) {
    auto k4 = make_kernel("gau_r4").dense;  // σ = 1
    ASSERT_EQ(k4.sizes(), torch::IntArrayRef({1, 1, 9, 9}));
    EXPECT_EQ(k4.scalar_type(), torch::kFloat32);
    EXPECT_NEAR(k4.sum().item<double>(), 0.999994, 1e-6);
    EXPECT_NEAR(k4[0][0][4][4].item<double>(), 1.0 / (2 * M_PI), 1e-7);  // pdf(0)² for σ = 1
    auto k1 = make_kernel("gau_r1").dense;  // σ = 0.25: not renormalised, sums to 2.55
    ASSERT_EQ(k1.sizes(), torch::IntArrayRef({1, 1, 3, 3}));
    EXPECT_NEAR(k1.sum().item<double>(), 2.5499, 1e-4);
    EXPECT_NEAR(k1.sum().item<double>(), gaussian_kernel_sum(1), 1e-5);
    for (int R : {2, 4, 15, 31}) {
        auto k = make_kernel("gau_r" + std::to_string(R)).dense;
        EXPECT_EQ(k.size(2), 2 * R + 1);
        EXPECT_NEAR(k.sum().item<double>(), gaussian_kernel_sum(R), 1e-5) << R;
    }
    EXPECT_NEAR(make_kernel("gau_r2").dense.sum().item<double>(), 1.029, 1e-3);
    EXPECT_NEAR(make_kernel("gau_r31").dense.sum().item<double>(), 0.99990, 1e-5);
    // Symmetric in both axes and separable.
    auto k = make_kernel("gau_r7").dense[0][0];
    EXPECT_LT(max_abs_diff(k, k.flip({0})), 1e-9);
    EXPECT_LT(max_abs_diff(k, k.t()), 1e-9);
}

TEST(Kernel, UnknownNames) {
    for (const char* bad : {"box", "box_r", "box_r0", "gau_rx", "box_r31x", "tri_r3", "box_r99999999", "Box_r3"})
        EXPECT_THROW(make_kernel(bad), disent::UserError) << bad;
    try {
        make_kernel("tri_r3");
        FAIL();
    } catch (const disent::UserError& e) {
        EXPECT_NE(std::string(e.what()).find("box_r<R> or gau_r<R>"), std::string::npos) << e.what();
    }
}

TEST(Kernel, NormaliseModes) {
    // Σ = 1.5, Σ|k| = 7.5, Σ_{k>0} = 4.5, Σ_{k<0}|k| = 3.
    auto k = torch::tensor({1.0, -2.0, 0.0, 3.0, 0.5, -1.0, 0.0, 0.0, 0.0}, torch::kFloat32).reshape({1, 1, 3, 3});
    const std::vector<std::pair<std::string, double>> cases = {
        {"sum", 1.5}, {"abssum", 7.5}, {"possum", 4.5}, {"negsum", 3.0}, {"maxsum", 4.5}, {"none", 1.0}};
    for (const auto& [mode, div] : cases) {
        auto n = normalize_kernel(k, mode);
        EXPECT_EQ(n.scalar_type(), torch::kFloat32);
        EXPECT_LT(max_abs_diff(n, k / div), 1e-7) << mode;
    }
    EXPECT_NEAR(normalize_kernel(k, "abssum").abs().sum().item<double>(), 1.0, 1e-6);
    // maxsum picks the larger side: negatives dominate here.
    auto kn = -k;
    EXPECT_LT(max_abs_diff(normalize_kernel(kn, "maxsum"), kn / 4.5), 1e-7);
    EXPECT_LT(max_abs_diff(normalize_kernel(kn, "possum"), kn / 3.0), 1e-7);
    // box_r31 already sums to one.
    auto box = make_kernel("box_r31").dense;
    EXPECT_LT(max_abs_diff(normalize_kernel(box, "sum"), box), 1e-9);
    EXPECT_THROW(normalize_kernel(box, "negsum"), disent::UserError);  // no negative taps
    EXPECT_THROW(normalize_kernel(k, "max"), disent::UserError);
}

TEST(Conv2d, FftMatchesDirectForSymmetricKernels) {
    torch::manual_seed(1234);
    std::vector<torch::Tensor> kernels = {make_kernel("box_r1").dense, make_kernel("box_r3").dense, make_kernel("box_r31").dense};
    for (int s = 1; s <= 4; ++s) kernels.push_back(make_gaussian_kernel(s, 4.0).dense);  // σ = 1..4
    const std::vector<std::vector<int64_t>> shapes = {{2, 3, 17, 29}, {1, 1, 64, 64}, {3, 2, 5, 40}, {4, 31, 9}};
    for (const auto& k : kernels) {
        for (const auto& shape : shapes) {
            auto x = torch::rand(shape) * 2 - 1;
            auto a = conv2d_channel_wise_fft(x, k);
            auto b = conv2d_channel_wise(x, k);
            ASSERT_EQ(a.sizes(), x.sizes());
            ASSERT_EQ(b.sizes(), x.sizes());
            EXPECT_LT(max_abs_diff(a, b), 1e-5) << "kernel " << k.sizes() << " input " << x.sizes();
        }
    }
}

TEST(Conv2d, FftIsTrueConvolution) {
    // An impulse at (2, 3) reproduces the (flipped-index) kernel around it: y[2+a-1][3+b-1] = k[a][b].
    auto k = torch::arange(1, 10, torch::kFloat32).reshape({1, 1, 3, 3});
    auto x = torch::zeros({1, 1, 7, 7});
    x[0][0][2][3] = 1.0;
    auto y = conv2d_channel_wise_fft(x, k);
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
            EXPECT_NEAR(y[0][0][2 + a - 1][3 + b - 1].item<float>(), k[0][0][a][b].item<float>(), 1e-5);
    EXPECT_NEAR(y.sum().item<float>(), 45.0, 1e-4);
    // For asymmetric kernels the direct (cross-correlation) version needs the flipped kernel.
    torch::manual_seed(7);
    auto ka = torch::rand({1, 1, 5, 3});
    auto xr = torch::rand({2, 3, 12, 10});
    EXPECT_LT(max_abs_diff(conv2d_channel_wise_fft(xr, ka), conv2d_channel_wise(xr, ka.flip({2, 3}))), 1e-5);
}

TEST(Conv2d, ZeroPaddingNoWrapAround) {
    // Box blur of a constant image: interior = 1, corners see only a quarter-ish of the window.
    auto x = torch::ones({1, 1, 8, 8}, torch::kFloat64);
    auto y = conv2d_channel_wise_fft(x, make_kernel("box_r1").dense);
    EXPECT_EQ(y.scalar_type(), torch::kFloat64);  // kernel follows the signal's dtype
    EXPECT_NEAR(y[0][0][4][4].item<double>(), 1.0, 1e-6);
    EXPECT_NEAR(y[0][0][0][0].item<double>(), 4.0 / 9.0, 1e-6);
    EXPECT_NEAR(y[0][0][0][4].item<double>(), 6.0 / 9.0, 1e-6);
}

TEST(Conv2d, BadShapes) {
    auto k = make_kernel("box_r1").dense;
    EXPECT_THROW(conv2d_channel_wise_fft(torch::zeros({4, 4}), k), std::invalid_argument);
    EXPECT_THROW(conv2d_channel_wise_fft(torch::zeros({1, 1, 4, 4}), torch::zeros({1, 1, 2, 3})), std::invalid_argument);
    EXPECT_THROW(conv2d_channel_wise(torch::zeros({1, 1, 4, 4}), torch::zeros({3, 3})), std::invalid_argument);
}
