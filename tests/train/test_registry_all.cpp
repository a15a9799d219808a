// Every registered name of every component kind can be built and used (explicit registration: a name
// that is listed but cannot be constructed fails here).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../frameworks/tiny_extractor.hpp"
#include "data/registry.hpp"
#include "frameworks/framework.hpp"
#include "losses/recon_loss.hpp"
#include "losses/recon_loss_name.hpp"
#include "metrics/metric.hpp"
#include "models/autoencoder.hpp"
#include "train/builtins.hpp"
#include "train/optimizers.hpp"

using namespace disent;

TEST(RegistryAll, CatalogListsEveryKind) {
    auto c = train::build_catalog();
    for (const char* kind : {"dataset", "sampler", "model", "framework", "optimizer", "metric"}) {
        ASSERT_TRUE(c.kinds.count(kind)) << kind;
        EXPECT_FALSE(c.kinds.at(kind).empty()) << kind;
        for (const auto& info : c.kinds.at(kind)) {
            EXPECT_FALSE(info.description.empty()) << kind << " " << info.name;
            for (const auto& p : info.params) EXPECT_FALSE(p.help.empty()) << kind << " " << info.name << "." << p.name;
        }
    }
    for (const char* name : {"xysquares", "xysquares_minimal", "xysinglesquare", "xcolumns"}) EXPECT_TRUE(c.find("dataset", name)) << name;
    for (const char* name : {"single", "gt_pair", "gt_pair_orig"}) EXPECT_TRUE(c.find("sampler", name)) << name;
    for (const char* name : {"conv64", "fc", "linear"}) EXPECT_TRUE(c.find("model", name)) << name;
    for (const char* name : {"ae", "vae", "beta_vae", "ada_vae", "betatc_vae", "dip_vae", "info_vae", "dfc_vae", "factor_vae",
                             "annealed_vae", "tae", "tvae", "ada_ae", "adaneg_tae", "adaneg_tvae", "adaneg_tae_d", "adaneg_tvae_d"})
        EXPECT_TRUE(c.find("framework", name)) << name;
    for (const char* name : {"mig", "dci"}) EXPECT_TRUE(c.find("metric", name)) << name;
}

TEST(RegistryAll, EveryDatasetAndSamplerBuildsAndSamples) {
    train::register_builtins();
    for (const auto& d : data::dataset_registry().entries()) {
        if (d.info.traits.count("needs_prepare")) continue;  // file-backed: tests/data/test_real_datasets.cpp
        auto ds = d.make(defaults_of(d.info.params));
        std::vector<uint8_t> img(static_cast<size_t>(ds->obs_bytes()));
        ds->render(ds->states().size() - 1, img.data());
        EXPECT_GT(ds->states().size(), 1) << d.info.name;
        for (const auto& s : data::sampler_registry().entries()) {
            auto sampler = s.make(defaults_of(s.info.params), ds->states());
            Rng rng(1);
            std::vector<int64_t> out(static_cast<size_t>(sampler->num_obs()));
            sampler->sample(0, rng, out.data());
            EXPECT_EQ(out[0], 0) << d.info.name << "/" << s.info.name;
            for (auto i : out) EXPECT_LT(i, ds->states().size());
        }
    }
}

TEST(RegistryAll, EveryModelFrameworkOptimizerAndLossBuilds) {
    train::register_builtins();
    for (const auto& f : frameworks::framework_registry().entries()) {
        const int64_t zmul = std::stoll(f.info.traits.at("z_multiplier"));
        for (const auto& m : models::model_registry().entries()) {
            auto model = models::make_model(m.info.name, defaults_of(m.info.params), 3, 64, 64, zmul);
            Params fp = defaults_of(f.info.params);
            if (f.info.name == "dfc_vae") {  // needs a TorchScript feature extractor
                fp.set("feature_extractor", write_tiny_extractor(::testing::TempDir() + "/registry_extractor.pt"));
                fp.set("feature_layers", std::vector<std::string>{"0", "1"});
            }
            auto fw = f.make(fp, model, losses::make_recon_loss("mse"));
            for (const auto& o : train::optimizer_registry().entries()) {
                auto opt = o.make(defaults_of(o.info.params), model->parameters());
                EXPECT_TRUE(opt) << o.info.name;
            }
            EXPECT_EQ(fw->encode(torch::zeros({2, 3, 64, 64})).size(1), defaults_of(m.info.params).get_int("z_size"));
        }
    }
    for (const auto& name : losses::plain_recon_loss_names()) {
        auto l = losses::make_recon_loss(name);
        auto x = torch::rand({1, 3, 8, 8});
        EXPECT_TRUE(std::isfinite(l->compute(x, x, losses::Reduction::Mean).item<double>())) << name;
    }
    for (const char* name : {"mse_box_r31_l1.0_k3969.0", "mse_box_r31_l1.0_k3969.0_norm_sum", "mae_gau_r4", "bce_box_r1_norm_none"})
        EXPECT_EQ(losses::make_recon_loss(name)->name(), name);
}

TEST(RegistryAll, EveryMetricRunsOnAnIdentityRepresentation) {
    train::register_builtins();
    data::StateSpace states({4, 3}, {"a", "b"});
    metrics::MetricContext ctx;
    ctx.states = &states;
    ctx.z_size = 2;
    ctx.encode = [&](const std::vector<int64_t>& idx) {
        std::vector<double> out;
        for (auto i : idx) {
            auto p = states.idx_to_pos(i);
            out.push_back(static_cast<double>(p[0]));
            out.push_back(static_cast<double>(p[1]));
        }
        return out;
    };
    ctx.observe = [&](const std::vector<int64_t>& idx) {  // the distances metrics compare observations
        std::vector<float> out;
        for (auto i : idx)
            for (auto v : states.idx_to_pos(i)) out.push_back(static_cast<float>(v));
        return out;
    };
    // Key prefixes that differ from the metric name (disent's names).
    const std::map<std::string, std::vector<std::string>> prefixes = {{"unsupervised", {"unsup."}},
                                                                      {"factored_components", {"distances.", "linearity."}}};
    for (const auto& m : metrics::metric_registry().entries()) {
        auto res = m.make.run(ctx, metrics::preset_params(m.info.name, "fast"));
        EXPECT_FALSE(res.empty()) << m.info.name;
        const auto pit = prefixes.find(m.info.name);
        const std::vector<std::string> allowed = pit == prefixes.end() ? std::vector<std::string>{m.info.name + "."} : pit->second;
        for (const auto& [k, v] : res) {
            bool prefixed = false;
            for (const auto& p : allowed) prefixed |= k.rfind(p, 0) == 0;
            EXPECT_TRUE(prefixed) << k;
            EXPECT_TRUE(std::isfinite(v)) << k;
        }
    }
}
