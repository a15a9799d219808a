// KL divergences and the Normal posterior (spec §3).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/error.hpp"
#include "losses/kl.hpp"

using namespace disent::losses;

namespace {
torch::Tensor d(double v) { return torch::tensor({v}, torch::kFloat64); }
double kl_nn(double m1, double s1, double m2, double s2) {
    return kl_normal_normal(d(m1), d(s1), d(m2), d(s2)).item<double>();
}
}  // namespace

TEST(Kl, NormalVsStdNormalClosedForm) {
    EXPECT_NEAR(kl_normal_std(d(1.0), d(0.0)).item<double>(), 0.5, 1e-12);                   // μ=1, σ=1
    EXPECT_NEAR(kl_normal_std(d(0.0), d(1.0)).item<double>(), 0.5 * (std::exp(1.0) - 2), 1e-12);  // σ = e^0.5
    EXPECT_NEAR(kl_normal_std(d(0.0), d(1.0)).item<double>(), 0.35914, 1e-5);
    EXPECT_NEAR(kl_normal_std(d(0.0), d(0.0)).item<double>(), 0.0, 1e-12);
    // Agrees with the general form against N(0, 1).
    auto mu = torch::randn({4, 5}, torch::kFloat64), logvar = torch::randn({4, 5}, torch::kFloat64);
    auto general = kl_normal_normal(mu, torch::exp(0.5 * logvar), torch::zeros_like(mu), torch::ones_like(mu));
    EXPECT_LT((general - kl_normal_std(mu, logvar)).abs().max().item<double>(), 1e-12);
    EXPECT_EQ(kl_normal_std(mu, logvar).sizes(), mu.sizes());
}

TEST(Kl, NormalNormal) {
    EXPECT_NEAR(kl_nn(0.3, 1.7, 0.3, 1.7), 0.0, 1e-12);
    // Equal scales: symmetric in the means, ½(Δμ/σ)².
    EXPECT_NEAR(kl_nn(0, 1, 1, 1), 0.5, 1e-12);
    EXPECT_NEAR(kl_nn(1, 1, 0, 1), 0.5, 1e-12);
    EXPECT_NEAR(kl_nn(-1, 2, 1, 2), 0.5, 1e-12);
    // Different scales: not symmetric.
    EXPECT_NEAR(kl_nn(0, 1, 0, 2), 0.5 * (0.25 - 1 - std::log(0.25)), 1e-12);  // 0.318147
    EXPECT_NEAR(kl_nn(0, 2, 0, 1), 0.5 * (4 - 1 - std::log(4.0)), 1e-12);      // 0.806853
    EXPECT_NEAR(kl_nn(0, 1, 0, 2), 0.318147, 1e-6);
    EXPECT_NEAR(kl_nn(0, 2, 0, 1), 0.806853, 1e-6);
}

TEST(Kl, NormalLogProb) {
    EXPECT_NEAR(normal_log_prob(d(0), d(0), d(1)).item<double>(), -0.5 * std::log(2 * M_PI), 1e-12);
    EXPECT_NEAR(normal_log_prob(d(3), d(1), d(2)).item<double>(), -0.5 - std::log(2.0) - 0.5 * std::log(2 * M_PI),
                1e-12);
    // Single-sample KL estimate: E_q[log q − log p] ≈ analytic KL.
    torch::manual_seed(0);
    Posterior q{torch::full({200000}, 0.5, torch::kFloat64), torch::full({200000}, -0.7, torch::kFloat64)};
    auto z = q.rsample();
    auto approx = (q.log_prob(z) - normal_log_prob(z, torch::zeros_like(z), torch::ones_like(z))).mean();
    EXPECT_NEAR(approx.item<double>(), kl_normal_std(d(0.5), d(-0.7)).item<double>(), 1e-2);
}

TEST(Kl, Posterior) {
    auto raw = torch::tensor({{1.0, 2.0, 0.0, 2.0}}, torch::kFloat64);  // Z = 2: μ = (1, 2), logvar = (0, 2)
    auto q = Posterior::from_encoder_output(raw);
    EXPECT_TRUE(torch::equal(q.mu, torch::tensor({{1.0, 2.0}}, torch::kFloat64)));
    EXPECT_TRUE(torch::equal(q.logvar, torch::tensor({{0.0, 2.0}}, torch::kFloat64)));
    EXPECT_NEAR(q.sigma()[0][1].item<double>(), std::exp(1.0), 1e-12);
    EXPECT_NEAR(q.variance()[0][1].item<double>(), std::exp(2.0), 1e-12);
    EXPECT_NEAR(q.kl_to_std_normal()[0][0].item<double>(), 0.5, 1e-12);
    EXPECT_THROW(Posterior::from_encoder_output(torch::zeros({2, 3})), std::invalid_argument);

    // rsample: right moments and differentiable in μ and logvar.
    torch::manual_seed(42);
    auto mu = torch::full({100000}, 2.0).requires_grad_();
    auto logvar = torch::full({100000}, std::log(0.25)).requires_grad_();  // σ = 0.5
    Posterior p{mu, logvar};
    auto z = p.rsample();
    EXPECT_NEAR(z.mean().item<float>(), 2.0, 0.01);
    EXPECT_NEAR(z.std().item<float>(), 0.5, 0.01);
    z.sum().backward();
    EXPECT_NEAR(mu.grad().mean().item<float>(), 1.0, 1e-6);
    ASSERT_TRUE(logvar.grad().defined());
}

TEST(Kl, LaplaceAndForwardClosedFormsMatchTorchDistributions) {
    // torch 1.13 kl_divergence / log_prob (Debian python3-torch), float64; a = (0, 1, −0.5), b = (1, ½, 2)
    auto a = torch::tensor({0.0, 1.0, -0.5}, torch::kFloat64), b = torch::tensor({1.0, 0.5, 2.0}, torch::kFloat64);
    Posterior lap{a, torch::log(b), LatentKind::Laplace};
    const double to_prior[] = {0.0, 0.7608148221782518, 0.3644543855828646};
    const double from_prior[] = {0.0, 1.0426117017829393, 0.246412510416262};
    const double logp[] = {-0.9931471805599452, -1.4, -1.7862943611198907};
    Posterior nor{a, 2 * torch::log(b)};  // σ = b
    const double nor_from_prior[] = {0.0, 2.8068528194400546, 0.3493971805599453};
    auto z = torch::full({3}, 0.3, torch::kFloat64);
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(lap.kl(KlMode::Direct, z)[i].item<double>(), to_prior[i], 1e-12);
        EXPECT_NEAR(lap.kl(KlMode::DirectForward, z)[i].item<double>(), from_prior[i], 1e-12);
        EXPECT_NEAR(lap.kl(KlMode::DirectSymmetric, z)[i].item<double>(), 0.5 * (to_prior[i] + from_prior[i]), 1e-12);
        EXPECT_NEAR(lap.log_prob(z)[i].item<double>(), logp[i], 1e-12);
        EXPECT_NEAR(nor.kl(KlMode::DirectForward, z)[i].item<double>(), nor_from_prior[i], 1e-12);
    }
    // Laplace variance is 2b² (what DIP-VAE / β-TCVAE use for either family)
    EXPECT_NEAR(lap.variance()[1].item<double>(), 0.5, 1e-12);
    // approx at the training sample: log q(z) − log p(z), with p the standard Laplace
    EXPECT_NEAR(lap.kl(KlMode::Approx, z)[1].item<double>(), -1.4 - (-0.3 - std::log(2.0)), 1e-12);
    EXPECT_EQ(parse_kl_mode("direct_reverse"), KlMode::Direct);
    EXPECT_EQ(parse_kl_mode("approx_reverse"), KlMode::Approx);
    EXPECT_THROW(parse_kl_mode("exact"), disent::UserError);
    EXPECT_THROW(parse_latent_kind("gamma"), disent::UserError);
}

TEST(Kl, SampledModesEstimateTheClosedForms) {
    // Means of the single-sample estimates over 400k draws vs the analytic values (both families).
    torch::manual_seed(7);
    const int64_t n = 400000;
    for (LatentKind kind : {LatentKind::Normal, LatentKind::Laplace}) {
        Posterior q{torch::full({n}, 0.6, torch::kFloat64), torch::full({n}, -0.4, torch::kFloat64), kind};
        auto z = q.rsample();
        // rsample moments: mean a, variance σ² (Normal) or 2b² (Laplace)
        EXPECT_NEAR(z.mean().item<double>(), 0.6, 0.01);
        EXPECT_NEAR(z.var().item<double>(), q.variance()[0].item<double>(), 0.02);
        for (auto [approx, direct] : {std::pair{KlMode::Approx, KlMode::Direct}, std::pair{KlMode::ApproxForward, KlMode::DirectForward},
                                      std::pair{KlMode::ApproxSymmetric, KlMode::DirectSymmetric}}) {
            const double want = q.kl(direct, z)[0].item<double>();
            EXPECT_NEAR(q.kl(approx, z).mean().item<double>(), want, 0.02 * std::max(1.0, want)) << static_cast<int>(approx);
        }
    }
}
