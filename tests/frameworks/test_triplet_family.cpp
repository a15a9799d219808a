// The triplet family (spec §1.10–§1.14): triplet losses, TAE/TVAE, Ada-AE, Ada-Neg TAE/TVAE and the
// data-overlap (Dot) frameworks, on fixed small tensors against values worked out from the formulas.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "frameworks/ada_ae.hpp"
#include "frameworks/adaneg_triplet.hpp"
#include "frameworks/data_overlap_triplet.hpp"
#include "frameworks/framework_test_util.hpp"
#include "frameworks/triplet_loss.hpp"
#include "frameworks/tvae.hpp"
#include "losses/recon_loss.hpp"

using namespace disent;
using namespace disent::frameworks;
using namespace disent::fwtest;
using losses::Posterior;

namespace {

constexpr double kTol = 1e-5;

double item(const torch::Tensor& t) { return t.item<double>(); }

double term(const LossTerms& lt, const std::string& name) {
    for (const auto& [k, v] : lt.terms)
        if (k == name) return item(v);
    ADD_FAILURE() << "no term " << name;
    return NAN;
}

std::vector<std::string> term_keys(const LossTerms& lt) {
    std::vector<std::string> keys;
    for (const auto& kv : lt.terms) keys.push_back(kv.first);
    return keys;
}

std::set<int64_t> as_set(const torch::Tensor& idx) {
    std::set<int64_t> s;
    for (int64_t i = 0; i < idx.numel(); ++i) s.insert(idx[i].item<int64_t>());
    return s;
}

// Two triplets of 2-D points (rows), chosen so that every variant has one clamped and one active row:
//   row 0: a=(0,0) p=(0.5,0) n=(1,1)   → L1 d_ap=0.5 d_an=2;   L2 d_ap=0.5 d_an=√2=1.41421356
//   row 1: a=(1,1) p=(2,3)   n=(1,2)   → L1 d_ap=3   d_an=1;   L2 d_ap=√5=2.23606798 d_an=1
struct Points {
    torch::Tensor a = torch::tensor({0.f, 0.f, 1.f, 1.f}).view({2, 2});
    torch::Tensor p = torch::tensor({0.5f, 0.f, 2.f, 3.f}).view({2, 2});
    torch::Tensor n = torch::tensor({1.f, 1.f, 1.f, 2.f}).view({2, 2});
};

// Four constant 1×2×2 images with values 0, 0.1, 0.3, 0.7: MSE distance (per-sample mean) = (v_i − v_j)²
//   d01=0.01 d02=0.09 d03=0.49 d12=0.04 d13=0.36 d23=0.16 (all distinct)
torch::Tensor four_images() {
    return torch::tensor({0.f, 0.1f, 0.3f, 0.7f}).view({4, 1, 1, 1}).expand({4, 1, 2, 2}).contiguous();
}

TripletIdxs idxs(std::vector<int64_t> a, std::vector<int64_t> p, std::vector<int64_t> n) {
    return {torch::tensor(a), torch::tensor(p), torch::tensor(n)};
}

// Exposes Ada-AE's latent hook.
struct AdaAeProbe : AdaAe {
    using AdaAe::AdaAe;
    using AdaAe::intercept_latents;
};

}  // namespace

// ---- triplet losses ---------------------------------------------------------------------------------

TEST(TripletLoss, EveryVariantOnHandChosenPointsL1AndL2) {
    Points x;
    const double mmin = 1.0, mmax = 2.0;
    // triplet: max(d_ap − d_an + 2, 0)
    //   L1: (0.5−2+2=0.5, 3−1+2=4) → 2.25;  L2: (0.5−1.41421356+2=1.08578644, 2.23606798−1+2=3.23606798) → 2.16092721
    EXPECT_NEAR(item(triplet_loss(x.a, x.p, x.n, mmax, 1)), 2.25, kTol);
    EXPECT_NEAR(item(triplet_loss(x.a, x.p, x.n, mmax, 2)), 2.16092721, kTol);
    // triplet_sigmoid: σ((d_ap − d_an)/2)
    //   L1: (σ(−0.75)=0.32082130, σ(1)=0.73105858) → 0.52593994
    //   L2: (σ(−0.45710678)=0.38767240, σ(0.61803399)=0.64977128) → 0.51872184
    EXPECT_NEAR(item(triplet_sigmoid_loss(x.a, x.p, x.n, mmax, 1)), 0.52593994, kTol);
    EXPECT_NEAR(item(triplet_sigmoid_loss(x.a, x.p, x.n, mmax, 2)), 0.51872184, kTol);
    // triplet_soft: log(1 + exp(d_ap − d_an))
    //   L1: (log(1+e^−1.5)=0.20141328, log(1+e^2)=2.12692801) → 1.16417064
    //   L2: (log(1+e^−0.91421356)=0.33706615, log(1+e^1.23606798)=1.49111657) → 0.91409136
    EXPECT_NEAR(item(triplet_soft_loss(x.a, x.p, x.n, 1)), 1.16417064, kTol);
    EXPECT_NEAR(item(triplet_soft_loss(x.a, x.p, x.n, 2)), 0.91409136, kTol);
    // min_clamped_triplet: max(max(d_ap, 1) − d_an + 2, 0)
    //   L1: (1−2+2=1, 3−1+2=4) → 2.5;  L2: (1−1.41421356+2=1.58578644, 3.23606798) → 2.41092721
    EXPECT_NEAR(item(min_clamped_triplet_loss(x.a, x.p, x.n, mmin, mmax, 1)), 2.5, kTol);
    EXPECT_NEAR(item(min_clamped_triplet_loss(x.a, x.p, x.n, mmin, mmax, 2)), 2.41092721, kTol);
    // split_clamped_triplet: max(d_ap, 1) − min(d_an, 2) + (2 − 1)
    //   L1: (1−2+1=0, 3−1+1=3) → 1.5;  L2: (1−1.41421356+1=0.58578644, 2.23606798−1+1=2.23606798) → 1.41092721
    EXPECT_NEAR(item(split_clamped_triplet_loss(x.a, x.p, x.n, mmin, mmax, 1)), 1.5, kTol);
    EXPECT_NEAR(item(split_clamped_triplet_loss(x.a, x.p, x.n, mmin, mmax, 2)), 1.41092721, kTol);
}

TEST(TripletLoss, DistVariantsTakeDeltasAndConfiguredOnesScale) {
    Points x;
    auto dp = x.a - x.p, dn = x.a - x.n;
    EXPECT_NEAR(item(dist_triplet_loss(dp, dn, 2.0, 1)), 2.25, kTol);
    EXPECT_NEAR(item(dist_triplet_sigmoid_loss(dp, dn, 2.0, 2)), 0.51872184, kTol);
    EXPECT_NEAR(item(dist_triplet_soft_loss(dp, dn, 1)), 1.16417064, kTol);
    EXPECT_NEAR(item(dist_min_clamped_triplet_loss(dp, dn, 1.0, 2.0, 2)), 2.41092721, kTol);
    EXPECT_NEAR(item(dist_split_clamped_triplet_loss(dp, dn, 1.0, 2.0, 1)), 1.5, kTol);
    // configured: triplet_scale · variant; 0.1 · 2.5 (min_clamped, L1)
    TripletConfig c{"min_clamped_triplet", 1.0, 2.0, 0.1, 1.0};
    EXPECT_NEAR(item(configured_triplet(x.a, x.p, x.n, c)), 0.25, kTol);
    EXPECT_NEAR(item(configured_dist_triplet(dp, dn, c)), 0.25, kTol);
    // the plain triplet ignores m_min: 0.1 · 2.25
    c.loss = "triplet";
    EXPECT_NEAR(item(configured_triplet(x.a, x.p, x.n, c)), 0.225, kTol);
}

TEST(TripletLoss, ConfigReadsKeysAndRejectsBadValues) {
    auto p = fw_params("tvae");
    TripletConfig c = triplet_config(p);
    // disent's yaml values (class defaults would be 0.1, 10, 100, 2)
    EXPECT_EQ(c.loss, "triplet");
    EXPECT_DOUBLE_EQ(c.margin_min, 0.001);
    EXPECT_DOUBLE_EQ(c.margin_max, 1.0);
    EXPECT_DOUBLE_EQ(c.scale, 0.1);
    EXPECT_DOUBLE_EQ(c.p, 1.0);
    Params bad = p;
    bad.set("triplet_loss", std::string("quadruplet"));
    try {
        triplet_config(bad);
        FAIL() << "accepted an unknown variant";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("framework.triplet_loss"), std::string::npos) << e.what();
    }
    Params zero = fw_params("tvae", {{"triplet_loss", "triplet_sigmoid"}, {"triplet_margin_max", "0"}});
    EXPECT_THROW(triplet_config(zero), UserError);
    EXPECT_THROW(fw_params("tae", {{"triplet_p", "3"}}), UserError);
}

// ---- TAE / TVAE ---------------------------------------------------------------------------------------

TEST(TripletAe, LossIsReconPlusScaledTripletOnCodes) {
    auto model = linear_model(1, 2);
    torch::manual_seed(5);
    std::vector<torch::Tensor> xs{torch::randn({3, 1, 2, 2}), torch::randn({3, 1, 2, 2}), torch::randn({3, 1, 2, 2})};
    TripletAe fw(model, losses::make_recon_loss("mse"), fw_params("tae", {{"triplet_margin_max", "10"}}));
    auto lt = fw.training_loss(xs, xs);
    EXPECT_EQ(term_keys(lt), (std::vector<std::string>{"recon_loss", "aug_loss"}));
    // by hand: L1 distances of the raw codes, hinge with margin 10, batch mean, × 0.1
    torch::NoGradGuard ng;
    auto za = model->encode(xs[0]), zp = model->encode(xs[1]), zn = model->encode(xs[2]);
    double aug = 0.1 * item(((za - zp).abs().sum(1) - (za - zn).abs().sum(1) + 10).clamp_min(0).mean());
    double recon = 0;
    for (auto& x : xs) recon += item((model->decode(model->encode(x)) - x).pow(2).mean()) / 3;
    EXPECT_NEAR(term(lt, "aug_loss"), aug, kTol);
    EXPECT_NEAR(term(lt, "recon_loss"), recon, kTol);
    EXPECT_NEAR(item(lt.loss), recon + aug, kTol);
    // a schedule changing triplet_scale applies at the next step
    fw.set_param("triplet_scale", 0.3);
    EXPECT_NEAR(term(fw.training_loss(xs, xs), "aug_loss"), 3 * aug, kTol);
}

TEST(TripletVae, TotalIsReconPlusBetaKlPlusAugInBothReductions) {
    auto model = linear_model(2, 2);
    torch::manual_seed(6);
    std::vector<torch::Tensor> xs{torch::randn({2, 1, 2, 2}), torch::randn({2, 1, 2, 2}), torch::randn({2, 1, 2, 2})};
    std::map<std::string, double> recon_of, kl_of, aug_of;
    for (std::string red : {"mean", "mean_sum"}) {
        auto p = fw_params("tvae", {{"beta", "0.25"}, {"loss_reduction", red}, {"triplet_p", "2"}, {"triplet_margin_max", "10"}});
        TripletVae fw(model, losses::make_recon_loss("mse"), p);
        torch::manual_seed(42);
        auto lt = fw.training_loss(xs, xs);
        EXPECT_EQ(term_keys(lt), (std::vector<std::string>{"recon_loss", "kl_loss", "reg_loss", "aug_loss"}));
        // by hand with the same noise: sample obs 0, 1, 2 in turn
        torch::NoGradGuard ng;
        torch::manual_seed(42);
        double recon = 0, kl = 0;
        std::vector<torch::Tensor> mus;
        for (auto& x : xs) {
            auto raw = model->encode(x);
            auto mu = raw.slice(1, 0, 2), logvar = raw.slice(1, 2, 4);
            auto z = mu + torch::exp(0.5 * logvar) * torch::randn_like(mu);
            auto sq = (model->decode(z) - x).pow(2);
            auto k = 0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar);
            recon += (red == "mean" ? item(sq.mean()) : item(sq.sum()) / 2) / 3;
            kl += (red == "mean" ? item(k.mean()) : item(k.sum()) / 2) / 3;
            mus.push_back(mu);
        }
        // triplet on the posterior means, L2, margin 10, × 0.1
        double aug = 0.1 * item(((mus[0] - mus[1]).pow(2).sum(1).sqrt() - (mus[0] - mus[2]).pow(2).sum(1).sqrt() + 10)
                                     .clamp_min(0)
                                     .mean());
        EXPECT_NEAR(term(lt, "recon_loss"), recon, kTol) << red;
        EXPECT_NEAR(term(lt, "kl_loss"), kl, kTol) << red;
        EXPECT_NEAR(term(lt, "reg_loss"), 0.25 * kl, kTol) << red;
        EXPECT_NEAR(term(lt, "aug_loss"), aug, kTol) << red;
        EXPECT_NEAR(item(lt.loss), recon + 0.25 * kl + aug, kTol) << red;
        recon_of[red] = recon, kl_of[red] = kl, aug_of[red] = term(lt, "aug_loss");
    }
    // β normalisation: mean_sum multiplies recon by D = 4 and KL by Z = 2, the triplet term is unchanged
    EXPECT_NEAR(recon_of["mean_sum"], 4 * recon_of["mean"], kTol);
    EXPECT_NEAR(kl_of["mean_sum"], 2 * kl_of["mean"], kTol);
    EXPECT_NEAR(aug_of["mean_sum"], aug_of["mean"], kTol);
}

// ---- Ada-AE -------------------------------------------------------------------------------------------

TEST(AdaAe, AveragesSharedDimsOfHandMadeCodes) {
    AdaAeProbe fw(linear_model(1, 4), losses::make_recon_loss("mse"), fw_params("ada_ae"));
    // row 0: |z0 − z1| = [0.1, 0, 3, 4] → threshold 0 + 0.5·4 = 2 → dims 0, 1 shared, mean (0.05, 1)
    // row 1: equal deltas → nothing shared
    std::vector<torch::Tensor> zs{torch::tensor({0.f, 1.f, 2.f, 3.f, 1.f, 1.f, 1.f, 1.f}).view({2, 4}),
                                  torch::tensor({0.1f, 1.f, 5.f, 7.f, 2.f, 2.f, 2.f, 2.f}).view({2, 4})};
    LossTerms out;
    fw.intercept_latents(zs, out);
    EXPECT_TRUE(torch::allclose(zs[0], torch::tensor({0.05f, 1.f, 2.f, 3.f, 1.f, 1.f, 1.f, 1.f}).view({2, 4})));
    EXPECT_TRUE(torch::allclose(zs[1], torch::tensor({0.05f, 1.f, 5.f, 7.f, 2.f, 2.f, 2.f, 2.f}).view({2, 4})));
    ASSERT_EQ(out.terms.size(), 1u);
    EXPECT_NEAR(item(out.terms[0].second), (2 + 0) / 2.0, kTol);  // mean number of shared dims
    // ratio 0.01 → threshold 0.04: only dim 1 (delta 0) of row 0
    AdaAeProbe strict(linear_model(1, 4), losses::make_recon_loss("mse"), fw_params("ada_ae", {{"ada_thresh_ratio", "0.01"}}));
    std::vector<torch::Tensor> zs2{row({0, 1, 2, 3}), row({0.1f, 1, 5, 7})};
    LossTerms out2;
    strict.intercept_latents(zs2, out2);
    EXPECT_TRUE(torch::allclose(zs2[0], row({0, 1, 2, 3})));
    EXPECT_NEAR(item(out2.terms[0].second), 1.0, kTol);
}

TEST(AdaAe, ReconstructsTheAveragedCodes) {
    register_all();  // framework_registry().get(...) runs before fw_params registers
    auto model = linear_model(1, 3);
    torch::manual_seed(7);
    auto x0 = torch::randn({4, 1, 2, 2}), x1 = torch::randn({4, 1, 2, 2});
    auto fw = framework_registry().get("ada_ae").make(fw_params("ada_ae"), model, losses::make_recon_loss("mse"));
    auto lt = fw->training_loss({x0, x1}, {x0, x1});
    EXPECT_EQ(term_keys(lt), (std::vector<std::string>{"recon_loss", "shared"}));
    torch::NoGradGuard ng;
    auto z0 = model->encode(x0), z1 = model->encode(x1);
    auto d = (z0 - z1).abs();
    auto lo = std::get<0>(d.min(1, true)), hi = std::get<0>(d.max(1, true));
    auto shared = d < lo + 0.5 * (hi - lo);
    auto ave = (z0 + z1) / 2;
    double recon = 0.5 * item((model->decode(torch::where(shared, ave, z0)) - x0).pow(2).mean() +
                              (model->decode(torch::where(shared, ave, z1)) - x1).pow(2).mean());
    EXPECT_NEAR(item(lt.loss), recon, kTol);
    EXPECT_NEAR(term(lt, "shared"), item(shared.to(torch::kFloat).sum(1).mean()), kTol);
}

// ---- Ada-Neg triplets ---------------------------------------------------------------------------------

// Hand-made means: a = 0, p = (0.1, 0, 1, 0), n = (0, 0.2, 0.5, 1)
//   |a−p| = (0.1, 0, 1, 0)     → thr 0.5  → ap shared (1,1,0,1) = 3
//   |a−n| = (0, 0.2, 0.5, 1)   → thr 0.5  → an shared (1,1,0,0) = 2 (0.5 is not < 0.5)
//   |p−n| = (0.1, 0.2, 0.5, 1) → thr 0.55 → pn shared (1,1,1,0) = 3
//   a−n scaled by 0.95 on the an-shared dims: (0, −0.19, −0.5, −1)
TEST(AdaNegTriplet, ScaledNegativeOnHandMadeMeans) {
    auto a = row({0, 0, 0, 0}), p = row({0.1f, 0, 1, 0}), n = row({0, 0.2f, 0.5f, 1});
    Posterior qa{a, torch::zeros_like(a)}, qp{p, torch::zeros_like(p)}, qn{n, torch::zeros_like(n)};
    AdaNegMasks m = adaneg_masks_from_posteriors(qa, qp, qn, "posterior", "dist", 0.5);
    EXPECT_TRUE(torch::equal(m.ap, row({1, 1, 0, 1}).to(torch::kBool)));
    EXPECT_TRUE(torch::equal(m.an, row({1, 1, 0, 0}).to(torch::kBool)));
    EXPECT_TRUE(torch::equal(m.pn, row({1, 1, 1, 0}).to(torch::kBool)));
    // L1: d_ap = 1.1, d_an = 1.7 (plain) / 1.69 (scaled), margin 1, scale 0.1
    //   triplet = 0.1·(1.1 − 1.7 + 1) = 0.04;  chosen = 0.1·(1.1 − 1.69 + 1) = 0.041
    TripletConfig c{"triplet", 0.001, 1.0, 0.1, 1.0};
    LossTerms out;
    auto chosen = adaneg_aug(a, p, n, m, 0.95, c, out);
    EXPECT_NEAR(item(chosen), 0.041, kTol);
    EXPECT_NEAR(term(out, "aug_loss"), 0.041, kTol);
    EXPECT_NEAR(term(out, "triplet_chosen"), 0.041, kTol);
    EXPECT_NEAR(term(out, "triplet"), 0.04, kTol);
    EXPECT_NEAR(term(out, "ap_shared"), 3, kTol);
    EXPECT_NEAR(term(out, "an_shared"), 2, kTol);
    EXPECT_NEAR(term(out, "pn_shared"), 3, kTol);
    // L2: d_ap = √1.01 = 1.00498756, d_an' = √(0.19² + 0.25 + 1) = √1.2861 = 1.13406349
    //   chosen = 0.1·(1.00498756 − 1.13406349 + 1) = 0.08709241
    c.p = 2;
    EXPECT_NEAR(item(adaneg_triplet_loss(a, p, n, m.an, 0.95, c)), 0.08709241, kTol);
    // only the a–n mask matters (spec §12.17): scale 1 gives the plain triplet √1.29 → 0.08692059
    EXPECT_NEAR(item(adaneg_triplet_loss(a, p, n, m.an, 1.0, c)), 0.08692059, kTol);
    // the AE masks use the same deltas on raw codes
    AdaNegMasks mc = adaneg_masks_from_codes(a, p, n, 0.5);
    EXPECT_TRUE(torch::equal(mc.an, m.an) && torch::equal(mc.ap, m.ap) && torch::equal(mc.pn, m.pn));
}

TEST(AdaNegTriplet, SampleMaskModesFollowTheSamples) {
    // σ = e^−20: every sample is the mean to float precision, so both sample modes give the dist masks.
    // n = (0, 0.2, 0.6, 1): |a−n| → thr 0.5 → (1,1,0,0); |p−n| = (0.1, 0.2, 0.4, 1) → thr 0.55 → (1,1,1,0)
    auto a = row({0, 0, 0, 0}), p = row({0.1f, 0, 1, 0}), n = row({0, 0.2f, 0.6f, 1});
    auto tiny = torch::full_like(a, -40.0);
    Posterior qa{a, tiny}, qp{p, tiny}, qn{n, tiny};
    for (std::string mode : {"sample", "sample_each"}) {
        AdaNegMasks m = adaneg_masks_from_posteriors(qa, qp, qn, mode, "dist", 0.5);
        EXPECT_TRUE(torch::equal(m.an, row({1, 1, 0, 0}).to(torch::kBool))) << mode;
        EXPECT_TRUE(torch::equal(m.pn, row({1, 1, 1, 0}).to(torch::kBool))) << mode;
        EXPECT_TRUE(torch::equal(m.ap, row({1, 1, 0, 1}).to(torch::kBool))) << mode;
    }
    // with σ = 1 the masks come from the drawn samples: sample draws a, p, n once
    Posterior wa{a, torch::zeros_like(a)}, wp{p, torch::zeros_like(p)}, wn{n, torch::zeros_like(n)};
    torch::manual_seed(11);
    AdaNegMasks m = adaneg_masks_from_posteriors(wa, wp, wn, "sample", "dist", 0.5);
    torch::manual_seed(11);
    auto za = a + torch::randn_like(a), zp = p + torch::randn_like(p), zn = n + torch::randn_like(n);
    auto mask = [](const torch::Tensor& d) {
        auto lo = std::get<0>(d.min(1, true)), hi = std::get<0>(d.max(1, true));
        return d < lo + 0.5 * (hi - lo);
    };
    EXPECT_TRUE(torch::equal(m.ap, mask((za - zp).abs())));
    EXPECT_TRUE(torch::equal(m.an, mask((za - zn).abs())));
    EXPECT_TRUE(torch::equal(m.pn, mask((zp - zn).abs())));
}

TEST(AdaNegTriplet, VaeTotalIsReconPlusBetaKlPlusScaledNegativeTriplet) {
    auto model = linear_model(2, 3);
    torch::manual_seed(8);
    std::vector<torch::Tensor> xs{torch::randn({3, 1, 2, 2}), torch::randn({3, 1, 2, 2}), torch::randn({3, 1, 2, 2})};
    auto p = fw_params("adaneg_tvae", {{"beta", "0.5"}, {"triplet_margin_max", "5"}, {"adat_triplet_share_scale", "0.5"}});
    AdaNegTripletVae fw(model, losses::make_recon_loss("mse"), p);
    torch::manual_seed(9);
    auto lt = fw.training_loss(xs, xs);
    EXPECT_EQ(term_keys(lt), fw.term_names());
    torch::NoGradGuard ng;
    torch::manual_seed(9);
    double recon = 0, kl = 0;
    std::vector<torch::Tensor> mus;
    for (auto& x : xs) {
        auto raw = model->encode(x);
        auto mu = raw.slice(1, 0, 3), logvar = raw.slice(1, 3, 6);
        auto z = mu + torch::exp(0.5 * logvar) * torch::randn_like(mu);
        recon += item((model->decode(z) - x).pow(2).mean()) / 3;
        kl += item((0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar)).mean()) / 3;
        mus.push_back(mu);
    }
    // an-mask from |μa − μn| with the midpoint rule; a − n halved there; L1, margin 5, × 0.1
    auto dn = mus[0] - mus[2], d = dn.abs();
    auto lo = std::get<0>(d.min(1, true)), hi = std::get<0>(d.max(1, true));
    auto an = d < lo + 0.5 * (hi - lo);
    auto dn_scaled = torch::where(an, 0.5 * dn, dn);
    auto d_ap = (mus[0] - mus[1]).abs().sum(1);
    double aug = 0.1 * item((d_ap - dn_scaled.abs().sum(1) + 5).clamp_min(0).mean());
    double plain = 0.1 * item((d_ap - d.sum(1) + 5).clamp_min(0).mean());
    EXPECT_NEAR(term(lt, "aug_loss"), aug, kTol);
    EXPECT_NEAR(term(lt, "triplet_chosen"), aug, kTol);
    EXPECT_NEAR(term(lt, "triplet"), plain, kTol);
    EXPECT_NEAR(term(lt, "an_shared"), item(an.to(torch::kFloat).sum(1).mean()), kTol);
    EXPECT_NEAR(item(lt.loss), recon + 0.5 * kl + aug, kTol);
}

TEST(AdaNegTriplet, AeTotalIsReconPlusScaledNegativeTripletOnCodes) {
    register_all();  // framework_registry().get(...) runs before fw_params registers
    auto model = linear_model(1, 3);
    torch::manual_seed(10);
    std::vector<torch::Tensor> xs{torch::randn({3, 1, 2, 2}), torch::randn({3, 1, 2, 2}), torch::randn({3, 1, 2, 2})};
    auto fw = framework_registry().get("adaneg_tae").make(fw_params("adaneg_tae", {{"triplet_margin_max", "5"}}), model,
                                                          losses::make_recon_loss("mse"));
    auto lt = fw->training_loss(xs, xs);
    EXPECT_EQ(term_keys(lt), (std::vector<std::string>{"recon_loss", "aug_loss", "triplet", "triplet_chosen", "ap_shared",
                                                       "an_shared", "pn_shared"}));
    torch::NoGradGuard ng;
    auto za = model->encode(xs[0]), zp = model->encode(xs[1]), zn = model->encode(xs[2]);
    double recon = 0;
    for (auto& x : xs) recon += item((model->decode(model->encode(x)) - x).pow(2).mean()) / 3;
    auto dn = za - zn, d = dn.abs();
    auto lo = std::get<0>(d.min(1, true)), hi = std::get<0>(d.max(1, true));
    auto dn_scaled = torch::where(d < lo + 0.5 * (hi - lo), 0.95 * dn, dn);  // default share scale 0.95
    double aug = 0.1 * item(((za - zp).abs().sum(1) - dn_scaled.abs().sum(1) + 5).clamp_min(0).mean());
    EXPECT_NEAR(term(lt, "aug_loss"), aug, kTol);
    EXPECT_NEAR(item(lt.loss), recon + aug, kTol);
}

TEST(AdaNegTriplet, RejectsBadModes) {
    auto p = fw_params("adaneg_tvae");
    p.set("adat_share_mask_mode", std::string("posterior_each"));
    EXPECT_THROW(AdaNegTripletVae(linear_model(2), losses::make_recon_loss("mse"), p), UserError);
    // KL deltas are Normal–Normal only
    auto lap = fw_params("adaneg_tvae", {{"latent_distribution", "laplace"}, {"ada_thresh_mode", "symmetric_kl"}});
    EXPECT_THROW(AdaNegTripletVae(linear_model(2), losses::make_recon_loss("mse"), lap), UserError);
    auto lap_dist = fw_params("adaneg_tvae", {{"latent_distribution", "laplace"}});
    EXPECT_NO_THROW(AdaNegTripletVae(linear_model(2), losses::make_recon_loss("mse"), lap_dist));
}

// ---- data-overlap (Dot) mining ------------------------------------------------------------------------

TEST(DataOverlap, OrdersTripletsByDataDistance) {
    auto x = four_images();
    auto mse = losses::make_recon_loss("mse");
    // (0,3,1): d_ap 0.49 > d_an 0.01 → swapped to (0,1,3); (1,2,3): 0.04 < 0.36 kept;
    // (2,0,3): 0.09 < 0.16 kept; (3,0,2): 0.49 > 0.16 → (3,2,0); (1,0,2): 0.01 < 0.04 kept
    OrderedTriplets o = order_by_data_distance(x, idxs({0, 1, 2, 3, 1}, {3, 2, 0, 0, 0}, {1, 3, 3, 2, 2}), *mse);
    EXPECT_TRUE(torch::equal(o.idx.a, torch::tensor({0, 1, 2, 3, 1}, torch::kLong)));
    EXPECT_TRUE(torch::equal(o.idx.p, torch::tensor({1, 2, 0, 2, 0}, torch::kLong)));
    EXPECT_TRUE(torch::equal(o.idx.n, torch::tensor({3, 3, 3, 0, 2}, torch::kLong)));
    EXPECT_TRUE(torch::allclose(o.d_ap, torch::tensor({0.01f, 0.04f, 0.09f, 0.16f, 0.01f}), 1e-6, 1e-6));
    EXPECT_TRUE(torch::allclose(o.d_an, torch::tensor({0.49f, 0.36f, 0.16f, 0.49f, 0.04f}), 1e-6, 1e-6));
}

TEST(DataOverlap, OverlapLossDecidesTheOrder) {
    // A = 0, B = (1,0,0,0), C = 0.4 everywhere: MSE d(A,B)=0.25 > d(A,C)=0.16 → swap;
    // MAE d(A,B)=0.25 < d(A,C)=0.4 → keep
    auto x = torch::stack({torch::zeros({1, 2, 2}), torch::tensor({1.f, 0.f, 0.f, 0.f}).view({1, 2, 2}),
                           torch::full({1, 2, 2}, 0.4f)});
    auto t = idxs({0}, {1}, {2});
    EXPECT_EQ(order_by_data_distance(x, t, *losses::make_recon_loss("mse")).idx.p.item<int64_t>(), 2);
    EXPECT_EQ(order_by_data_distance(x, t, *losses::make_recon_loss("mae")).idx.p.item<int64_t>(), 1);
    // and the miner uses overlap_loss, not the run's recon loss
    auto p = fw_params("adaneg_tae_d", {{"overlap_loss", "mae"}});
    OverlapMiner miner(p, losses::make_recon_loss("mse"));
    EXPECT_EQ(miner.overlap_loss().name(), "mae");
    OverlapMiner same(fw_params("adaneg_tae_d"), losses::make_recon_loss("bce"));
    EXPECT_EQ(same.overlap_loss().name(), "bce");
}

TEST(DataOverlap, MiningModesOnKnownDistances) {
    // the ordered distances of OrdersTripletsByDataDistance
    auto d_ap = torch::tensor({0.01f, 0.04f, 0.09f, 0.16f, 0.01f});
    auto d_an = torch::tensor({0.49f, 0.36f, 0.16f, 0.49f, 0.04f});
    EXPECT_EQ(as_set(mine_triplet_rows(d_ap, d_an, "none", 2, 1.0)), (std::set<int64_t>{0, 1, 2, 3, 4}));
    // hard_neg: 2 smallest d_an (0.04, 0.16); hard_pos: 2 largest d_ap (0.16, 0.09); easy_pos: 2 smallest d_ap
    EXPECT_EQ(as_set(mine_triplet_rows(d_ap, d_an, "hard_neg", 2, 1.0)), (std::set<int64_t>{4, 2}));
    EXPECT_EQ(as_set(mine_triplet_rows(d_ap, d_an, "hard_pos", 2, 1.0)), (std::set<int64_t>{3, 2}));
    EXPECT_EQ(as_set(mine_triplet_rows(d_ap, d_an, "easy_pos", 2, 1.0)), (std::set<int64_t>{0, 4}));
    // semi_hard_neg: d_ap < d_an < 0.4 (the margin compared with data distances, spec §12.18)
    EXPECT_EQ(as_set(mine_triplet_rows(d_ap, d_an, "semi_hard_neg", 2, 0.4)), (std::set<int64_t>{1, 2, 4}));
    // nothing selected (margin below every d_an, or top_k 0) → all rows
    EXPECT_EQ(mine_triplet_rows(d_ap, d_an, "semi_hard_neg", 2, 0.01).numel(), 5);
    EXPECT_EQ(mine_triplet_rows(d_ap, d_an, "hard_neg", 0, 1.0).numel(), 5);
}

TEST(DataOverlap, RandomTripletsAreOneTorchDraw) {
    torch::manual_seed(3);
    TripletIdxs t = random_triplet_idxs(2, 512, torch::kCPU);
    EXPECT_EQ(t.a.numel(), 8);  // min(512, 2³)
    torch::manual_seed(3);
    auto ref = torch::randint(2, {3, 8}, torch::kLong);
    EXPECT_TRUE(torch::equal(t.a, ref[0]) && torch::equal(t.p, ref[1]) && torch::equal(t.n, ref[2]));
    EXPECT_EQ(random_triplet_idxs(10, 512, torch::kCPU).a.numel(), 512);
}

TEST(DataOverlap, MineModeGrammar) {
    register_all();  // framework_registry().get(...) runs before fw_params registers
    EXPECT_EQ(parse_mine_triplet_mode("none"), (std::vector<std::string>{"none"}));
    EXPECT_EQ(parse_mine_triplet_mode("ran:hard_neg+easy_pos"), (std::vector<std::string>{"hard_neg", "easy_pos"}));
    for (std::string bad : {"hardneg", "ran:", "ran:hard_neg+", "ran:hard_neg+bogus", "ran+hard_neg", ""}) {
        try {
            parse_mine_triplet_mode(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const UserError& e) {
            EXPECT_NE(std::string(e.what()).find("framework.overlap_mine_triplet_mode"), std::string::npos) << e.what();
        }
    }
    // checked when the framework is built
    auto p = fw_params("adaneg_tvae_d", {{"overlap_mine_triplet_mode", "ran:hard_neg+nope"}});
    EXPECT_THROW(framework_registry().get("adaneg_tvae_d").make(p, linear_model(2), losses::make_recon_loss("mse")),
                 UserError);
    auto q = fw_params("adaneg_tae_d", {{"overlap_loss", "msee"}});
    try {
        framework_registry().get("adaneg_tae_d").make(q, linear_model(1), losses::make_recon_loss("mse"));
        FAIL() << "accepted an unknown overlap_loss";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("framework.overlap_loss"), std::string::npos) << e.what();
    }
}

// Recomputes a Dot step by hand: the triplets are one randint (3, min(num, B³)) after the VAE's sample,
// ordered by MSE, then (ran:) a mode index from the next draw, top_k = int(n · ratio).
TEST(DataOverlap, VaeMinesTripletsAndAppliesAdaNegTerm) {
    register_all();  // framework_registry().get(...) runs before fw_params registers
    auto model = linear_model(2, 3);
    auto x = four_images();
    auto p = fw_params("adaneg_tvae_d", {{"beta", "0.5"},
                                         {"triplet_margin_max", "5"},
                                         {"overlap_mine_triplet_mode", "ran:hard_neg+easy_pos"},
                                         {"overlap_mine_ratio", "0.25"}});
    auto fw = framework_registry().get("adaneg_tvae_d").make(p, model, losses::make_recon_loss("mse"));
    torch::manual_seed(12);
    auto lt = fw->training_loss({x}, {x});
    EXPECT_EQ(term_keys(lt), fw->term_names());

    torch::NoGradGuard ng;
    torch::manual_seed(12);
    auto raw = model->encode(x);
    auto mu = raw.slice(1, 0, 3), logvar = raw.slice(1, 3, 6);
    auto z = mu + torch::exp(0.5 * logvar) * torch::randn_like(mu);
    double recon = item((model->decode(z) - x).pow(2).mean());
    double kl = item((0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar)).mean());
    auto idx = torch::randint(4, {3, 64}, torch::kLong);  // min(512, 4³)
    const int64_t mode = torch::randint(2, {1}, torch::kLong).item<int64_t>();
    // data distances (v_i − v_j)² of the constant images, computed as the framework does so that ties
    // between repeated pairs break the same way in topk
    auto mse = losses::make_recon_loss("mse");
    auto a = idx[0], pp = idx[1], nn = idx[2];
    auto dap = mse->pairwise(x.index_select(0, a), x.index_select(0, pp));
    auto dan = mse->pairwise(x.index_select(0, a), x.index_select(0, nn));
    auto swap = dap > dan;
    auto p2 = torch::where(swap, nn, pp), n2 = torch::where(swap, pp, nn);
    auto dap2 = torch::where(swap, dan, dap), dan2 = torch::where(swap, dap, dan);
    // top_k = int(64 · 0.25) = 16: hard_neg → 16 smallest d_an, easy_pos → 16 smallest d_ap
    auto rows = std::get<1>((mode == 0 ? dan2 : dap2).topk(16, -1, /*largest=*/false));
    auto ma = mu.index_select(0, a.index_select(0, rows)), mp = mu.index_select(0, p2.index_select(0, rows)),
         mn = mu.index_select(0, n2.index_select(0, rows));
    auto dn = ma - mn, d = dn.abs();
    auto lo = std::get<0>(d.min(1, true)), hi = std::get<0>(d.max(1, true));
    auto dn_scaled = torch::where(d < lo + 0.5 * (hi - lo), 0.95 * dn, dn);
    double aug = 0.1 * item(((ma - mp).abs().sum(1) - dn_scaled.abs().sum(1) + 5).clamp_min(0).mean());
    EXPECT_NEAR(term(lt, "recon_loss"), recon, kTol);
    EXPECT_NEAR(term(lt, "kl_loss"), kl, kTol);
    EXPECT_NEAR(term(lt, "aug_loss"), aug, kTol);
    EXPECT_NEAR(item(lt.loss), recon + 0.5 * kl + aug, kTol);
}

TEST(DataOverlap, AeUsesAllOrderedTripletsWithoutMining) {
    register_all();  // framework_registry().get(...) runs before fw_params registers
    auto model = linear_model(1, 3);
    auto x = four_images();
    auto fw = framework_registry().get("adaneg_tae_d").make(fw_params("adaneg_tae_d", {{"overlap_num", "10"}}), model,
                                                            losses::make_recon_loss("mse"));
    torch::manual_seed(13);
    auto lt = fw->training_loss({x}, {x});
    torch::NoGradGuard ng;
    torch::manual_seed(13);
    auto idx = torch::randint(4, {3, 10}, torch::kLong);  // min(10, 64)
    auto v = torch::tensor({0.f, 0.1f, 0.3f, 0.7f});  // distinct pairs have distinct distances: no ties
    auto a = idx[0], pp = idx[1], nn = idx[2];
    auto swap = (v.index_select(0, a) - v.index_select(0, pp)).pow(2) > (v.index_select(0, a) - v.index_select(0, nn)).pow(2);
    auto zall = model->encode(x);
    auto za = zall.index_select(0, a), zp = zall.index_select(0, torch::where(swap, nn, pp)),
         zn = zall.index_select(0, torch::where(swap, pp, nn));
    auto dn = za - zn, d = dn.abs();
    auto lo = std::get<0>(d.min(1, true)), hi = std::get<0>(d.max(1, true));
    auto dn_scaled = torch::where(d < lo + 0.5 * (hi - lo), 0.95 * dn, dn);
    double aug = 0.1 * item(((za - zp).abs().sum(1) - dn_scaled.abs().sum(1) + 1).clamp_min(0).mean());
    double recon = item((model->decode(zall) - x).pow(2).mean());
    EXPECT_NEAR(term(lt, "aug_loss"), aug, kTol);
    EXPECT_NEAR(item(lt.loss), recon + aug, kTol);
}

// ---- registration -------------------------------------------------------------------------------------

TEST(TripletFamily, RegisteredWithTraitsAndYamlDefaults) {
    register_all();
    struct Want {
        std::string name, mode, sampler;
        int zmul;
    };
    for (const Want& w : std::vector<Want>{{"tae", "triplet", "gt_triple", 1},
                                           {"tvae", "triplet", "gt_triple", 2},
                                           {"ada_ae", "pair", "gt_pair_orig", 1},
                                           {"adaneg_tae", "triplet", "gt_triple", 1},
                                           {"adaneg_tvae", "triplet", "gt_triple", 2},
                                           {"adaneg_tae_d", "single", "single", 1},
                                           {"adaneg_tvae_d", "single", "single", 2}}) {
        const auto& info = framework_registry().get(w.name).info;
        EXPECT_EQ(info.traits.at("input_mode"), w.mode) << w.name;
        EXPECT_EQ(info.traits.at("default_sampler"), w.sampler) << w.name;
        EXPECT_EQ(info.traits.at("z_multiplier"), std::to_string(w.zmul)) << w.name;
    }
    auto d = defaults_of(framework_registry().get("adaneg_tvae_d").info.params);
    EXPECT_EQ(d.get_string("ada_thresh_mode"), "dist");
    EXPECT_DOUBLE_EQ(d.get_float("adat_triplet_share_scale"), 0.95);
    EXPECT_EQ(d.get_string("adat_share_mask_mode"), "posterior");
    EXPECT_EQ(d.get_int("overlap_num"), 512);
    EXPECT_DOUBLE_EQ(d.get_float("overlap_mine_ratio"), 0.1);
    EXPECT_EQ(d.get_string("overlap_mine_triplet_mode"), "none");
    EXPECT_EQ(d.get_string("overlap_loss"), "");
    EXPECT_EQ(d.get_int("triplet_p"), 1);
    EXPECT_FALSE(d.has("overlap_augment_mode"));
}

TEST(TripletFamily, EveryFrameworkBuildsAndReturnsFiniteTerms) {
    register_all();
    for (std::string name : {"tae", "tvae", "ada_ae", "adaneg_tae", "adaneg_tvae", "adaneg_tae_d", "adaneg_tvae_d"}) {
        const auto& e = framework_registry().get(name);
        const int64_t zmul = std::stoll(e.info.traits.at("z_multiplier"));
        const int obs = observations_of(e.info.traits.at("input_mode"));
        auto fw = e.make(defaults_of(e.info.params), linear_model(zmul, 3), losses::make_recon_loss("mse"));
        torch::manual_seed(1);
        std::vector<torch::Tensor> xs;
        for (int i = 0; i < obs; ++i) xs.push_back(torch::randn({4, 1, 2, 2}));
        auto lt = fw->training_loss(xs, xs);
        EXPECT_TRUE(std::isfinite(item(lt.loss))) << name;
        EXPECT_EQ(lt.terms.size(), fw->term_names().size()) << name;
        for (const auto& [k, v] : lt.terms) EXPECT_TRUE(std::isfinite(item(v))) << name << " " << k;
        lt.loss.backward();
        // the wrong number of observations is an internal error, not a silent miscount
        std::vector<torch::Tensor> wrong(obs == 1 ? 2 : obs - 1, xs[0]);
        EXPECT_THROW(fw->training_loss(wrong, wrong), std::logic_error) << name;
    }
}
