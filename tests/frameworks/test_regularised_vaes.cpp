// β-TCVAE, DIP-VAE, InfoVAE, DFC-VAE, FactorVAE and AnnealedVAE: loss terms on fixed small tensors against
// values worked out from the formulas (spec §1.6-§1.9; disentanglement_lib for the last two).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/error.hpp"
#include "frameworks/annealed_vae.hpp"
#include "frameworks/betatc_vae.hpp"
#include "frameworks/dfc_vae.hpp"
#include "frameworks/dip_vae.hpp"
#include "frameworks/factor_vae.hpp"
#include "framework_test_util.hpp"
#include "frameworks/info_vae.hpp"
#include "losses/recon_loss.hpp"
#include "tiny_extractor.hpp"

using namespace disent;
using namespace disent::frameworks;

namespace {

torch::Tensor m(std::vector<std::vector<double>> rows) {
    std::vector<double> flat;
    for (auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat, torch::kFloat64).view({static_cast<int64_t>(rows.size()), -1});
}

const torch::Tensor kX = torch::tensor({0.1f, 0.5f, -0.3f, 0.9f, 0.0f, 0.2f, 0.7f, -0.4f, 0.3f, 0.3f, -0.1f, 0.6f}).view({3, 1, 2, 2});

// The step's tensors recomputed by hand with the same noise: (mu, logvar, z, partial).
struct Manual {
    torch::Tensor mu, logvar, z, partial;
};
Manual manual(models::AutoEncoder& net, uint64_t seed) {
    torch::manual_seed(seed);
    auto raw = net->encode(kX);
    Manual r;
    r.mu = raw.slice(1, 0, 2);
    r.logvar = raw.slice(1, 2, 4);
    r.z = r.mu + torch::exp(0.5 * r.logvar) * torch::randn_like(r.mu);
    r.partial = net->decode(r.z);
    return r;
}

double term(const LossTerms& lt, const std::vector<std::string>& names, const std::string& n) {
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == n) return lt.terms[i].second.item<double>();
    ADD_FAILURE() << "no term " << n;
    return NAN;
}

}  // namespace

TEST(BetaTcVae, TotalCorrelationOfAHandMadeBatch) {
    // B = 2, Z = 2; expected value from the log-sum-exp formulas evaluated with Python's math module
    auto z = m({{0.3, -0.2}, {1.0, 0.5}}), mu = m({{0.0, 0.1}, {0.8, 0.4}}), lv = m({{0.0, -0.5}, {0.2, 0.1}});
    EXPECT_NEAR(total_correlation(z, mu, lv).item<double>(), -0.6938942959239087, 1e-12);
    // one latent: log q(z) and Π_l q(z_l) coincide → TC = 0
    EXPECT_NEAR(total_correlation(z.slice(1, 0, 1), mu.slice(1, 0, 1), lv.slice(1, 0, 1)).item<double>(), 0.0, 1e-12);
}

TEST(BetaTcVae, RegulariserWeightsInBothModesAndReductions) {
    auto net = fwtest::linear_model(2);
    for (std::string red : {"mean", "mean_sum"}) {
        for (std::string mode : {"scaled", "disent"}) {
            BetaTcVae fw(net, losses::make_recon_loss("mse"),
                         fwtest::fw_params("betatc_vae", {{"beta", "0.5"}, {"tc_beta", "4.0"}, {"tc_mode", mode}, {"loss_reduction", red}}));
            torch::manual_seed(11);
            auto lt = fw.training_loss({kX}, {kX});
            auto h = manual(net, 11);
            auto kl = 0.5 * (h.logvar.exp() + h.mu.square() - 1 - h.logvar);
            const double klv = red == "mean" ? kl.mean().item<double>() : kl.sum().item<double>() / 3;
            const double tc = total_correlation(h.z, h.mu, h.logvar).item<double>();
            const double reg = mode == "disent" ? 0.5 * klv + (0.5 - 1) * tc
                                                : 0.5 * klv + 0.5 * (4.0 - 1) * (red == "mean" ? tc / 2 : tc);
            const auto names = fw.term_names();
            EXPECT_NEAR(term(lt, names, "kl_loss"), klv, 1e-5) << red << mode;
            EXPECT_NEAR(term(lt, names, "tc_loss"), tc, 1e-5) << red << mode;
            EXPECT_NEAR(term(lt, names, "reg_loss"), reg, 1e-5) << red << mode;
            EXPECT_NEAR(lt.loss.item<double>(), term(lt, names, "recon_loss") + reg, 1e-5);
        }
    }
}

TEST(DipVae, CovarianceModesAndPenalties) {
    // B = 3, Z = 2 means and variances; d = Σ(C_ii − 1)², od = Σ_{i≠j} C_ij² computed by hand (Python)
    auto mu = m({{0.5, 1.0}, {-0.5, 0.0}, {1.5, 2.0}}), var = m({{1.0, 0.5}, {2.0, 0.25}, {0.5, 1.0}});
    const std::map<std::string, std::pair<double, double>> want = {
        {"i", {0.2222222222222222, 0.8888888888888891}},
        {"ii", {0.7569444444444446, 0.8888888888888891}},
        {"ii_disent", {0.17013888888888884, 3.336805555555556}}};
    for (const auto& [mode, dv] : want) {
        auto c = dip_covariance(mu, var, mode);
        auto diag = torch::diagonal(c);
        EXPECT_NEAR((diag - 1).square().sum().item<double>(), dv.first, 1e-12) << mode;
        EXPECT_NEAR((c.square().sum() - diag.square().sum()).item<double>(), dv.second, 1e-12) << mode;
    }
}

TEST(DipVae, RegulariserIsBetaKlPlusWeightedPenalty) {
    auto net = fwtest::linear_model(2);
    DipVae fw(net, losses::make_recon_loss("mse"),
              fwtest::fw_params("dip_vae", {{"beta", "0.25"}, {"lambda_d", "3.0"}, {"lambda_od", "0.5"}, {"dip_beta", "2.0"}}));
    torch::manual_seed(5);
    auto lt = fw.training_loss({kX}, {kX});
    auto h = manual(net, 5);
    auto c = dip_covariance(h.mu, h.logvar.exp(), "ii");
    const double d = (torch::diagonal(c) - 1).square().sum().item<double>();
    const double od = (c.square().sum() - torch::diagonal(c).square().sum()).item<double>();
    const double kl = (0.5 * (h.logvar.exp() + h.mu.square() - 1 - h.logvar)).mean().item<double>();
    const auto names = fw.term_names();
    EXPECT_NEAR(term(lt, names, "dip_loss_d"), d, 1e-5);
    EXPECT_NEAR(term(lt, names, "dip_loss_od"), od, 1e-5);
    EXPECT_NEAR(term(lt, names, "dip_loss"), 3.0 * d + 0.5 * od, 1e-5);
    EXPECT_NEAR(term(lt, names, "reg_loss"), 0.25 * kl + 2.0 * (3.0 * d + 0.5 * od), 1e-5);
}

TEST(InfoVae, MmdOfHandMadeSamplesAndRegulariser) {
    // k(x, y) = exp(−(x − y)²/4) for z_var = 2, Z = 1: MMD = e^{−¼} − 2·(e^{−1} + 1 + 2e^{−¼})/4 + e^{−1}
    EXPECT_NEAR(mmd_rbf(m({{0}, {1}}), m({{2}, {0}}), 2.0).item<double>(), -0.31606027941427894, 1e-12);
    auto net = fwtest::linear_model(2);
    InfoVae fw(net, losses::make_recon_loss("mse"), fwtest::fw_params("info_vae"));
    torch::manual_seed(9);
    auto lt = fw.training_loss({kX}, {kX});
    auto h = manual(net, 9);
    auto prior = torch::randn_like(h.z);  // drawn after the reparameterisation noise
    const double mmd = mmd_rbf(prior, h.z, 2.0).item<double>();
    const double kl = (0.5 * (h.logvar.exp() + h.mu.square() - 1 - h.logvar)).mean().item<double>();
    const double w = 2.0 / 4.0;  // Z / (C·H·W)
    const auto names = fw.term_names();
    EXPECT_NEAR(term(lt, names, "mmd_loss"), mmd, 1e-5);
    EXPECT_NEAR(term(lt, names, "reg_loss"), w * 1.5 * kl + w * 3.5 * mmd, 1e-5);  // α = −0.5, λ = 5
    EXPECT_THROW(InfoVae(net, losses::make_recon_loss("mse"), fwtest::fw_params("info_vae", {{"loss_reduction", "mean_sum"}})), UserError);
}

TEST(DfcVae, FeatureLossThroughATorchScriptExtractor) {
    const std::string path = write_tiny_extractor(testing::TempDir() + "/dfc_extractor.pt");
    auto net = fwtest::linear_model(2);
    for (std::string red : {"mean", "mean_sum"}) {
        Params p = fwtest::fw_params("dfc_vae", {{"feature_extractor", path}, {"feature_layers", "[0, 1]"}, {"loss_reduction", red}});
        DfcVae fw(net, losses::make_recon_loss("mse"), p);
        auto a = torch::rand({2, 1, 2, 2}), b = torch::rand({2, 1, 2, 2});
        // both layers see 2·n(x) (+1): Σ_layers mean((f(a) − f(b))²) = 2 · 4 · mean((n(a) − n(b))²) over 3 channels
        auto std = torch::tensor({0.229, 0.224, 0.225}, torch::kFloat32).view({1, 3, 1, 1});
        auto diff = ((a - b).repeat({1, 3, 1, 1}) / std).square().mean();
        const double scale = red == "mean" ? 1.0 : 4.0;  // C·H·W of the target
        EXPECT_NEAR(fw.feature_loss(a, b).item<double>(), 8.0 * diff.item<double>() * scale, 1e-4) << red;
        torch::manual_seed(3);
        auto lt = fw.training_loss({kX}, {kX});
        const auto names = fw.term_names();
        const double half = 0.5 * (term(lt, names, "pixel_loss") + term(lt, names, "feature_loss"));
        EXPECT_NEAR(term(lt, names, "recon_loss"), half, 1e-6 * std::max(1.0, half));  // float32
    }
    auto error_of = [&](std::map<std::string, std::string> ov) -> std::string {
        try {
            DfcVae(net, losses::make_recon_loss("mse"), fwtest::fw_params("dfc_vae", ov));
        } catch (const UserError& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_NE(error_of({}).find("needs key 'framework.feature_extractor'"), std::string::npos);
    EXPECT_NE(error_of({{"feature_extractor", "/nonexistent.pt"}}).find("is not a file"), std::string::npos);
    EXPECT_NE(error_of({{"feature_extractor", path}, {"feature_layers", "[0, 7]"}}).find("layer '7' is not a child"), std::string::npos);
}

TEST(FactorVae, TcFromTheDiscriminatorAndItsOwnUpdate) {
    auto net = fwtest::linear_model(2);
    FactorVae fw(net, losses::make_recon_loss("mse"),
                 fwtest::fw_params("factor_vae", {{"gamma", "7.0"}, {"disc_hidden_layers", "2"}, {"disc_hidden_units", "8"}}));
    torch::manual_seed(21);
    auto lt = fw.training_loss({kX}, {kX});
    auto h = manual(net, 21);
    auto logits = fw.discriminator()->forward(h.z.to(torch::kFloat32));
    const double tc = (logits.select(1, 0) - logits.select(1, 1)).mean().item<double>();
    const double kl = (0.5 * (h.logvar.exp() + h.mu.square() - 1 - h.logvar)).sum().item<double>() / 3;  // mean_sum
    const auto names = fw.term_names();
    EXPECT_NEAR(term(lt, names, "tc_loss"), tc, 1e-5);
    EXPECT_NEAR(term(lt, names, "reg_loss"), 1.0 * kl + 7.0 * tc, 1e-4);
    // the discriminator loss: −½[mean log D(z)₀ + mean log D(shuffled z)₁]; shuffling keeps each column's values
    auto zs = shuffle_codes(h.z);
    EXPECT_TRUE(torch::equal(std::get<0>(zs.sort(0)), std::get<0>(h.z.sort(0))));
    ASSERT_TRUE(lt.aux_loss.defined());
    EXPECT_GT(lt.aux_loss.item<double>(), 0.0);
    // the main backward does not move the discriminator; aux_update does, and leaves the model alone
    std::vector<torch::Tensor> disc_before, model_before;
    for (auto& p : fw.discriminator()->parameters()) disc_before.push_back(p.detach().clone());
    for (auto& p : net->parameters()) model_before.push_back(p.detach().clone());
    lt.loss.backward();
    fw.aux_update(lt.aux_loss);
    auto dp = fw.discriminator()->parameters();
    bool moved = false;
    for (size_t i = 0; i < dp.size(); ++i) moved = moved || !torch::equal(dp[i], disc_before[i]);
    EXPECT_TRUE(moved);
    auto mp = net->parameters();
    for (size_t i = 0; i < mp.size(); ++i) EXPECT_TRUE(torch::equal(mp[i], model_before[i]));
    // its state survives a save/load round trip into a fresh framework
    torch::serialize::OutputArchive out;
    fw.save_aux(out);
    std::ostringstream bytes;
    out.save_to(bytes);
    FactorVae other(net, losses::make_recon_loss("mse"),
                    fwtest::fw_params("factor_vae", {{"disc_hidden_layers", "2"}, {"disc_hidden_units", "8"}}));
    torch::serialize::InputArchive in;
    std::istringstream is(bytes.str());
    in.load_from(is);
    other.load_aux(in);
    auto op = other.discriminator()->parameters();
    for (size_t i = 0; i < dp.size(); ++i) EXPECT_TRUE(torch::equal(op[i], dp[i]));
}

TEST(AnnealedVae, CapacityRampAndRegulariser) {
    auto net = fwtest::linear_model(2);
    AnnealedVae fw(net, losses::make_recon_loss("mse"),
                   fwtest::fw_params("annealed_vae", {{"c_max", "4.0"}, {"iteration_threshold", "100"}, {"gamma", "10.0"}}));
    EXPECT_DOUBLE_EQ(fw.capacity(0), 0.0);
    EXPECT_DOUBLE_EQ(fw.capacity(25), 1.0);
    EXPECT_DOUBLE_EQ(fw.capacity(100), 4.0);
    EXPECT_DOUBLE_EQ(fw.capacity(1000), 4.0);
    for (int64_t step : {0, 50, 400}) {
        fw.set_step(step);
        torch::manual_seed(4);
        auto lt = fw.training_loss({kX}, {kX});
        auto h = manual(net, 4);
        const double kl = (0.5 * (h.logvar.exp() + h.mu.square() - 1 - h.logvar)).sum().item<double>() / 3;
        const auto names = fw.term_names();
        EXPECT_NEAR(term(lt, names, "capacity"), fw.capacity(step), 1e-6);
        EXPECT_NEAR(term(lt, names, "reg_loss"), 10.0 * std::abs(kl - fw.capacity(step)), 1e-4) << step;
    }
}

TEST(Schedules, FrameworkParametersCanBeReplacedBetweenSteps) {
    auto net = fwtest::linear_model(2);
    BetaVae fw(net, losses::make_recon_loss("mse"), fwtest::fw_params("beta_vae", {{"beta", "0.5"}}));
    fw.set_param("beta", 2.0);
    EXPECT_DOUBLE_EQ(fw.beta(), 2.0);
    torch::manual_seed(1);
    auto lt = fw.training_loss({kX}, {kX});
    EXPECT_NEAR(lt.terms[2].second.item<double>(), 2.0 * lt.terms[1].second.item<double>(), 1e-6);
    EXPECT_THROW(fw.set_param("loss_reduction", 1.0), UserError);
    EXPECT_THROW(fw.set_param("nope", 1.0), UserError);
}
