// FactorVAE score: disentanglement_lib's factor_vae_test (batch 5, 3000 train, 2000 eval, 2500 for the
// variances) on the identity and zero representations, with disent's threshold and dlib's pruning.
#include "metrics/factor_vae.hpp"

#include <gtest/gtest.h>

#include "metrics/testing_model.hpp"

namespace disent::metrics {
namespace {

using testing::IdentityModel;

Params dlib_params(const std::string& prune = "0.0") {
    register_all();
    return make_params(metric_registry().get("factor_vae").info.params,
                       {{"batch_size", "5"}, {"num_train", "3000"}, {"num_eval", "2000"}, {"num_variance_estimate", "2500"},
                        {"prune_threshold", prune}});
}

TEST(FactorVae, Identity) {
    IdentityModel m;
    for (const char* prune : {"0.0", "0.05"}) {
        auto r = metric_registry().get("factor_vae").make.run(m.context(0), dlib_params(prune));
        EXPECT_GE(r["factor_vae.train_accuracy"], 0.9) << prune;
        EXPECT_LE(r["factor_vae.train_accuracy"], 1.0) << prune;
        EXPECT_GE(r["factor_vae.eval_accuracy"], 0.9) << prune;
        EXPECT_LE(r["factor_vae.eval_accuracy"], 1.0) << prune;
        EXPECT_EQ(r["factor_vae.num_active_dims"], 10.0);
    }
}

TEST(FactorVae, ZerosDisentThreshold) {
    IdentityModel m(IdentityModel::Rep::Zeros);
    auto r = metric_registry().get("factor_vae").make.run(m.context(0), dlib_params("0.0"));
    EXPECT_GE(r["factor_vae.train_accuracy"], 0.0);
    EXPECT_LE(r["factor_vae.train_accuracy"], 0.2);
    EXPECT_GE(r["factor_vae.eval_accuracy"], 0.0);
    EXPECT_LE(r["factor_vae.eval_accuracy"], 0.2);
    EXPECT_EQ(r["factor_vae.num_active_dims"], 10.0);  // [QUIRK] length of the mask
}

TEST(FactorVae, ZerosDlibPruningHasNoActiveDims) {
    IdentityModel m(IdentityModel::Rep::Zeros);
    auto r = metric_registry().get("factor_vae").make.run(m.context(0), dlib_params("0.05"));
    EXPECT_EQ(r["factor_vae.train_accuracy"], 0.0);
    EXPECT_EQ(r["factor_vae.eval_accuracy"], 0.0);
    EXPECT_EQ(r["factor_vae.num_active_dims"], 0.0);
}

TEST(FactorVae, MajorityVoteAccuracies) {
    // 2 factors x 3 latents: class(0)=0, class(1)=1, class(2)=0 (tie -> first)
    std::vector<int64_t> train = {5, 1, 2, 1, 4, 2};
    std::vector<int64_t> eval = {1, 0, 3, 2, 5, 0};
    auto [tr, ev] = factor_vae_accuracies(train, eval, 2, 3);
    EXPECT_NEAR(tr, (5.0 + 4 + 2) / 15, 1e-12);
    EXPECT_NEAR(ev, (1.0 + 5 + 3) / 11, 1e-12);
}

TEST(FactorVae, SampleWithoutReplacement) {
    Rng rng(1);
    for (int64_t n : {5, 40, 60, 100}) {
        auto v = sample_without_replacement(60, n, rng);
        EXPECT_EQ(static_cast<int64_t>(v.size()), std::min<int64_t>(n, 60));
        std::sort(v.begin(), v.end());
        EXPECT_EQ(std::unique(v.begin(), v.end()), v.end());
        EXPECT_GE(v.front(), 0);
        EXPECT_LT(v.back(), 60);
    }
}

}  // namespace
}  // namespace disent::metrics
