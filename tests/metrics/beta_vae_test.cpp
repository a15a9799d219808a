// BetaVAE score: disentanglement_lib's beta_vae_test (batch 5, 2000 train, 2000 eval) on the identity
// representation, and the logistic regression it uses.
#include <gtest/gtest.h>

#include <cmath>

#include "metrics/logistic.hpp"
#include "metrics/testing_model.hpp"

namespace disent::metrics {
namespace {

TEST(BetaVae, Identity) {
    register_all();
    testing::IdentityModel m;
    auto p = make_params(metric_registry().get("beta_vae").info.params, {{"batch_size", "5"}, {"num_train", "2000"}, {"num_eval", "2000"}});
    auto r = metric_registry().get("beta_vae").make.run(m.context(0), p);
    EXPECT_GE(r["beta_vae.train_accuracy"], 0.9);
    EXPECT_LE(r["beta_vae.train_accuracy"], 1.0);
    EXPECT_GE(r["beta_vae.eval_accuracy"], 0.9);
    EXPECT_LE(r["beta_vae.eval_accuracy"], 1.0);
}

TEST(LogisticRegression, BinaryMatchesClosedFormIntuition) {
    // Separable 1-D data: L2 keeps the weights finite; prediction follows the threshold.
    std::vector<double> x;
    std::vector<int64_t> y;
    for (int i = 0; i < 100; ++i) x.push_back(i / 10.0 - 5.0), y.push_back(i >= 50 ? 1 : 0);
    LogisticRegression clf;
    clf.fit(x.data(), 100, 1, y.data());
    EXPECT_EQ(clf.classes(), (std::vector<int64_t>{0, 1}));
    EXPECT_DOUBLE_EQ(clf.accuracy(x.data(), 100, y.data()), 1.0);
    auto p = clf.predict_proba(x.data(), 1);
    EXPECT_NEAR(p[0] + p[1], 1.0, 1e-12);
    EXPECT_GT(p[0], 0.9);
}

TEST(LogisticRegression, MultinomialThreeClusters) {
    std::vector<double> x;
    std::vector<int64_t> y;
    Rng rng(3);
    const double centres[3][2] = {{0, 0}, {4, 0}, {0, 4}};
    for (int i = 0; i < 300; ++i) {
        const int c = i % 3;
        x.push_back(centres[c][0] + rng.uniform01() - 0.5);
        x.push_back(centres[c][1] + rng.uniform01() - 0.5);
        y.push_back(10 + c);
    }
    LogisticRegression clf;
    clf.fit(x.data(), 300, 2, y.data());
    EXPECT_DOUBLE_EQ(clf.accuracy(x.data(), 300, y.data()), 1.0);
    auto p = clf.predict_proba(x.data(), 300);
    for (int i = 0; i < 300; ++i) EXPECT_NEAR(p[i * 3] + p[i * 3 + 1] + p[i * 3 + 2], 1.0, 1e-12);
}

}  // namespace
}  // namespace disent::metrics
