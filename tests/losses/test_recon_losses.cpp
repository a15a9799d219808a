// Reductions and plain reconstruction losses against hand-computed values.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/error.hpp"
#include "losses/recon_loss.hpp"
#include "losses/recon_loss_name.hpp"
#include "losses/reduction.hpp"

using namespace disent::losses;

namespace {

// Two samples of D = 3 values each, shaped (B=2, C=1, H=1, W=3).
torch::Tensor t2x3(std::vector<double> v, torch::Dtype dt = torch::kFloat32) {
    return torch::tensor(v, torch::kFloat64).reshape({2, 1, 1, 3}).to(dt);
}

double item(const torch::Tensor& t) { return t.item<double>(); }

double sigmoid(double y) { return 1.0 / (1.0 + std::exp(-y)); }
// −[x log σ(y) + (1−x) log(1−σ(y))] in double, the textbook BCE.
double bce_ref(double y, double x) { return -(x * std::log(sigmoid(y)) + (1 - x) * std::log(1 - sigmoid(y))); }

const std::vector<double> kXHat = {0.2, 0.7, 1.0, 0.5, 0.0, 0.25};
const std::vector<double> kX = {0.0, 1.0, 0.5, 0.5, 0.5, 1.0};

}  // namespace

TEST(Reduction, ParseAndErrors) {
    EXPECT_EQ(parse_reduction("mean"), Reduction::Mean);
    EXPECT_EQ(parse_reduction("mean_sum"), Reduction::MeanSum);
    EXPECT_EQ(reduction_name(Reduction::MeanSum), "mean_sum");
    EXPECT_THROW(parse_reduction("sum"), disent::UserError);
    EXPECT_THROW(parse_reduction("Mean"), disent::UserError);
    try {
        parse_reduction("sum");
    } catch (const disent::UserError& e) {
        EXPECT_EQ(std::string(e.what()), "unknown loss reduction 'sum'; expected mean or mean_sum");
    }
}

TEST(Reduction, MeanAndMeanSum) {
    auto t = torch::arange(24, torch::kFloat64).reshape({2, 3, 4});  // sums: 66, 210
    EXPECT_NEAR(item(reduce_loss(t, Reduction::Mean)), 276.0 / 24.0, 1e-12);
    EXPECT_NEAR(item(reduce_loss(t, Reduction::MeanSum)), 276.0 / 2.0, 1e-12);
    // (B, Z) KL-like input: mean_sum / mean = Z.
    auto kl = torch::rand({5, 7}, torch::kFloat64);
    EXPECT_NEAR(item(reduce_loss(kl, Reduction::MeanSum)) / item(reduce_loss(kl, Reduction::Mean)), 7.0, 1e-12);
    // One value per sample: both reductions are the batch mean.
    auto v = torch::tensor({1.0, 2.0, 6.0}, torch::kFloat64);
    EXPECT_NEAR(item(reduce_loss(v, Reduction::MeanSum)), 3.0, 1e-12);
    EXPECT_THROW(reduce_loss(torch::tensor(1.0), Reduction::Mean), std::invalid_argument);
}

TEST(PlainLoss, MseHandComputed) {
    MseLoss mse;
    auto xh = t2x3(kXHat), x = t2x3(kX);
    auto u = mse.unreduced(xh, x);
    auto expect = t2x3({0.04, 0.09, 0.25, 0.0, 0.25, 0.5625});
    EXPECT_LT((u - expect).abs().max().item<float>(), 1e-6);
    // sum = 1.1925 over B*D = 6 values; mean_sum divides by B = 2 only.
    EXPECT_NEAR(item(mse.compute(xh, x, Reduction::Mean)), 0.19875, 1e-6);
    EXPECT_NEAR(item(mse.compute(xh, x, Reduction::MeanSum)), 0.59625, 1e-6);
    EXPECT_NEAR(item(mse.compute(xh, x, Reduction::MeanSum)) / item(mse.compute(xh, x, Reduction::Mean)), 3.0, 1e-5);
    EXPECT_TRUE(torch::equal(mse.activate(xh), xh));
}

TEST(PlainLoss, MaeHandComputed) {
    MaeLoss mae;
    auto xh = t2x3(kXHat), x = t2x3(kX);
    auto expect = t2x3({0.2, 0.3, 0.5, 0.0, 0.5, 0.75});
    EXPECT_LT((mae.unreduced(xh, x) - expect).abs().max().item<float>(), 1e-6);
    EXPECT_NEAR(item(mae.compute(xh, x, Reduction::Mean)), 0.375, 1e-6);
    EXPECT_NEAR(item(mae.compute(xh, x, Reduction::MeanSum)), 1.125, 1e-6);
}

TEST(PlainLoss, BceLogitsFormHandComputed) {
    const std::vector<double> y = {-2.0, 0.0, 3.0, 1.5, -0.5, 10.0};
    auto yt = t2x3(y, torch::kFloat64), x = t2x3(kX, torch::kFloat64);
    BceLoss bce;
    double sum = 0.0;
    auto u = bce.unreduced_from_partial(yt, x).flatten();
    for (size_t i = 0; i < y.size(); ++i) {
        EXPECT_NEAR(u[i].item<double>(), bce_ref(y[i], kX[i]), 1e-12) << i;
        sum += bce_ref(y[i], kX[i]);
    }
    EXPECT_NEAR(item(bce.compute(yt, x, Reduction::Mean)), sum / 6, 1e-12);
    EXPECT_NEAR(item(bce.compute(yt, x, Reduction::MeanSum)), sum / 2, 1e-12);
    EXPECT_NEAR(bce.activate(yt).flatten()[2].item<double>(), sigmoid(3.0), 1e-12);
    // Bernoulli's training form is the same BCE-with-logits.
    BernoulliLoss bern;
    EXPECT_TRUE(torch::allclose(bern.unreduced_from_partial(yt, x), bce.unreduced_from_partial(yt, x), 0, 0));
}

TEST(PlainLoss, BceActivatedEqualsLogitsWhereFinite) {
    // In double the two forms agree to rounding over a wide range; in float32 sigmoid's rounding near
    // 0/1 limits the activated form, so compare there on a moderate range only.
    auto x = torch::rand({3, 1, 11, 1}, torch::kFloat64);
    const std::vector<std::tuple<torch::Dtype, double, double>> cases = {{torch::kFloat64, 12.0, 1e-9},
                                                                         {torch::kFloat32, 3.0, 1e-5}};
    for (const auto& [dt, range, tol] : cases) {
        auto y = torch::linspace(-range, range, 33, torch::kFloat64).reshape({3, 1, 11, 1}).to(dt);
        for (const char* n : {"bce", "bernoulli"}) {
            auto loss = make_recon_loss(n);
            auto a = loss->unreduced(loss->activate(y), x.to(dt));
            auto b = loss->unreduced_from_partial(y, x.to(dt));
            EXPECT_LT((a - b).abs().max().item<double>(), tol) << n << " " << dt;
        }
    }
}

TEST(PlainLoss, BceSaturatedLogits) {
    // Huge logits: the logits form stays exact, the activated form is clamped at -100 per log.
    auto y = torch::tensor({200.0f, -200.0f, 50.0f}).reshape({1, 1, 1, 3});
    auto x = torch::tensor({0.0f, 1.0f, 1.0f}).reshape({1, 1, 1, 3});
    BceLoss bce;
    auto logits = bce.unreduced_from_partial(y, x).flatten();
    EXPECT_NEAR(logits[0].item<float>(), 200.0, 1e-4);
    EXPECT_NEAR(logits[1].item<float>(), 200.0, 1e-4);
    EXPECT_NEAR(logits[2].item<float>(), 0.0, 1e-6);
    auto act = bce.unreduced(bce.activate(y), x).flatten();
    EXPECT_NEAR(act[0].item<float>(), 100.0, 1e-4);
    EXPECT_NEAR(act[1].item<float>(), 100.0, 1e-4);
    EXPECT_TRUE(torch::isfinite(act).all().item<bool>());
}

TEST(PlainLoss, BernoulliActivatedClampsProbabilities) {
    // p = 0 or 1 is clamped to [eps, 1-eps] (float32 eps): finite, ≈ -log(eps) for the wrong label.
    BernoulliLoss bern;
    auto p = torch::tensor({1.0f, 0.0f, 0.3f}).reshape({1, 1, 1, 3});
    auto x = torch::tensor({0.0f, 1.0f, 1.0f}).reshape({1, 1, 1, 3});
    auto u = bern.unreduced(p, x).flatten();
    const double neg_log_eps = -std::log(static_cast<double>(std::numeric_limits<float>::epsilon()));
    EXPECT_NEAR(u[0].item<float>(), neg_log_eps, 1e-4);
    EXPECT_NEAR(u[1].item<float>(), neg_log_eps, 1e-4);
    EXPECT_NEAR(u[2].item<float>(), -std::log(0.3), 1e-5);
}

TEST(PlainLoss, BceLogitsGradient) {
    // d/dy BCEwithlogits = sigmoid(y) − x.
    auto y = torch::tensor({-3.0, 0.5, 4.0}, torch::kFloat64).reshape({1, 1, 1, 3}).requires_grad_();
    auto x = torch::tensor({1.0, 0.25, 0.0}, torch::kFloat64).reshape({1, 1, 1, 3});
    BceLoss().unreduced_from_partial(y, x).sum().backward();
    EXPECT_LT((y.grad() - (torch::sigmoid(y.detach()) - x)).abs().max().item<double>(), 1e-12);
}

TEST(PlainLoss, PairwiseMeanAndSum) {
    MseLoss mse;
    auto xh = t2x3(kXHat), x = t2x3(kX);
    auto pm = mse.pairwise(xh, x);
    auto ps = mse.pairwise(xh, x, /*mean=*/false);
    ASSERT_EQ(pm.sizes(), torch::IntArrayRef({2}));
    EXPECT_NEAR(pm[0].item<float>(), 0.38 / 3, 1e-6);
    EXPECT_NEAR(pm[1].item<float>(), 0.8125 / 3, 1e-6);
    EXPECT_NEAR(ps[0].item<float>(), 0.38, 1e-6);
    EXPECT_NEAR(ps[1].item<float>(), 0.8125, 1e-6);
}

TEST(PlainLoss, ShapesMustMatchExactly) {
    MseLoss mse;
    auto a = torch::zeros({2, 3, 4, 4}), b = torch::zeros({1, 3, 4, 4});
    EXPECT_THROW(mse.compute(a, b, Reduction::Mean), std::invalid_argument);
    EXPECT_THROW(mse.pairwise(a, b), std::invalid_argument);
    EXPECT_THROW(mse.unreduced(a, torch::zeros({2, 3, 4, 1})), std::invalid_argument);
    EXPECT_THROW(make_recon_loss("bce")->compute(a, b, Reduction::Mean), std::invalid_argument);
}

TEST(PlainLoss, FactoryBuildsEveryListedName) {
    for (const auto& n : plain_recon_loss_names()) {
        auto loss = make_recon_loss(n);
        ASSERT_TRUE(loss);
        EXPECT_EQ(loss->name(), n);
    }
    EXPECT_THROW(make_recon_loss("abs"), disent::UserError);
    EXPECT_THROW(make_recon_loss("cbernoulli"), disent::UserError);
    EXPECT_THROW(make_plain_recon_loss("mse_box_r31"), disent::UserError);
}

TEST(PlainLoss, ContinuousBernoulliMatchesTorchDistribution) {
    // −ContinuousBernoulli(logits=y | probs=p, lims=(0.49, 0.51)).log_prob(x), printed by Debian's Python
    // torch 1.13 (float64); the points cover both sides of ½, the Taylor region and saturation.
    auto d = [](std::vector<double> v) { return torch::tensor(v, torch::kFloat64); };
    auto x = d({0.1, 0.9, 0.5, 0.3, 1.0, 0.0, 0.75});
    auto y = d({-3.0, -0.5, -0.02, 0.0, 0.03, 0.7, 4.0});
    const std::vector<double> from_logits = {-0.8496814696108116, 0.21039505099275646, 1.6666611200033543e-05, -0.0,
                                             -0.014962500280237712, 0.37033394113034723, -0.4047798079457774};
    auto p = d({0.02, 0.3, 0.495, 0.5, 0.505, 0.8, 0.999});
    const std::vector<double> from_probs = {-0.9903142485298948, 0.3686552674067569, 1.66677223889522e-05, -0.0,
                                            -0.009983665630945882, 0.7719780286898289, -0.20681269384308232};
    auto loss = make_recon_loss("c_bernoulli");
    auto a = loss->unreduced_from_partial(y, x), b = loss->unreduced(p, x);
    for (int i = 0; i < 7; ++i) {
        EXPECT_NEAR(a[i].item<double>(), from_logits[i], 1e-12) << i;
        EXPECT_NEAR(b[i].item<double>(), from_probs[i], 1e-12) << i;
    }
    EXPECT_TRUE(torch::allclose(loss->activate(y), torch::sigmoid(y)));
    // gradients stay finite in and around the Taylor region (the unselected branch sees "cut" probs)
    auto yg = d({-0.01, 0.0, 0.01, 5.0}).requires_grad_();
    loss->unreduced_from_partial(yg, d({0.2, 0.5, 0.9, 0.1})).sum().backward();
    EXPECT_TRUE(torch::isfinite(yg.grad()).all().item<bool>());
}

TEST(PlainLoss, NormalIsHalfSquaredErrorPlusConstant) {
    auto loss = make_recon_loss("normal");
    auto xh = torch::tensor({0.5, -1.0, 2.0}, torch::kFloat64), x = torch::tensor({0.0, 1.0, 2.0}, torch::kFloat64);
    const double c = 0.5 * std::log(2 * M_PI);
    auto u = loss->unreduced(xh, x);
    EXPECT_NEAR(u[0].item<double>(), 0.125 + c, 1e-12);
    EXPECT_NEAR(u[1].item<double>(), 2.0 + c, 1e-12);
    EXPECT_NEAR(u[2].item<double>(), c, 1e-12);
    EXPECT_TRUE(torch::equal(loss->activate(xh), xh));
    // usable inside the kernel family: w_l·ℓ(x̂, x) + w_k·ℓ(K∗x̂, K∗x) on constant images (K∗ of a constant
    // image with a sum-normalised box kernel leaves the centre pixel unchanged)
    auto aug = make_recon_loss("normal_box_r1_l1.0_k2.0_norm_sum");
    auto a = torch::full({1, 1, 3, 3}, 0.5, torch::kFloat64), t = torch::zeros({1, 1, 3, 3}, torch::kFloat64);
    EXPECT_NEAR(aug->unreduced(a, t)[0][0][1][1].item<double>(), 3 * (0.125 + c), 1e-6);
}
