// Every registered metric: names, presets, which ones run on stored codes, and the train/test split rule.
#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "metrics/metric.hpp"
#include "metrics/mig.hpp"
#include "metrics/modularity.hpp"
#include "metrics/testing_identity_data.hpp"

namespace disent::metrics {
namespace {

TEST(AllMetrics, RegisteredWithPresets) {
    register_all();
    const std::set<std::string> expected = {"mig", "dci", "sap", "factor_vae", "beta_vae", "modularity", "unsupervised",
                                            "irs", "flatness", "factored_components", "distances", "linearity"};
    const auto names = metric_registry().names();
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected);
    const std::set<std::string> codes_only = {"mig", "dci", "sap", "modularity", "unsupervised", "irs"};
    for (const auto& n : names) {
        EXPECT_NO_THROW(preset_params(n, "full")) << n;
        EXPECT_NO_THROW(preset_params(n, "fast")) << n;
        EXPECT_EQ(static_cast<bool>(metric_registry().get(n).make.run_codes), codes_only.count(n) == 1) << n;
    }
    EXPECT_EQ(preset_params("sap", "fast").get_int("num_train"), 2000);
    EXPECT_EQ(preset_params("sap", "fast").get_int("num_test"), 1000);
    EXPECT_EQ(preset_params("factor_vae", "full").get_int("num_variance_estimate"), 10000);
    EXPECT_EQ(preset_params("factor_vae", "fast").get_int("num_train"), 700);
    EXPECT_EQ(preset_params("factor_vae", "fast").get_int("num_eval"), 350);
    EXPECT_EQ(preset_params("factor_vae", "fast").get_int("num_variance_estimate"), 1000);
    EXPECT_EQ(preset_params("factor_vae", "full").get_float("prune_threshold"), 0.0);
    EXPECT_EQ(preset_params("unsupervised", "fast").get_int("num_train"), 2000);
    EXPECT_EQ(preset_params("flatness", "full").get_int("repeats"), 1024);
    EXPECT_EQ(preset_params("flatness", "fast").get_int("repeats"), 128);
    EXPECT_EQ(preset_params("factored_components", "full").get_int("num_samples"), 64);
    EXPECT_EQ(preset_params("factored_components", "fast").get_int("repeats"), 128);
}

TEST(StoredCodes, SplitRule) {
    Rng rng(0);
    StoredCodes s;
    s.train_factors = testing::identity_factors(10, rng, 2);
    s.train_codes = testing::identity_codes(s.train_factors);
    Codes tc, sc;
    Factors tf, sf;
    split_stored(s, 2.0 / 3.0, tc, tf, sc, sf);  // ceil(10 * 2/3) = 7
    EXPECT_EQ(tc.n, 7);
    EXPECT_EQ(sc.n, 3);
    EXPECT_EQ(sf.values, std::vector<int64_t>(s.train_factors.values.begin() + 14, s.train_factors.values.end()));
    Codes test = testing::identity_codes(s.train_factors);
    s.test_codes = &test;
    s.test_factors = &s.train_factors;
    split_stored(s, 2.0 / 3.0, tc, tf, sc, sf);
    EXPECT_EQ(tc.n, 10);
    EXPECT_EQ(sc.n, 10);
    StoredCodes one;
    one.train_factors = testing::identity_factors(1, rng, 2);
    one.train_codes = testing::identity_codes(one.train_factors);
    EXPECT_THROW(split_stored(one, 0.5, tc, tf, sc, sf), UserError);
}

TEST(StoredCodes, DlibSplitTrainTest) {  // dlib utils_test: 100 points at 0.9 -> 90 train, 10 test
    StoredCodes s;
    s.train_codes = Codes{100, 2, std::vector<double>(200, 0.0)};
    s.train_factors = Factors{100, 1, std::vector<int64_t>(100, 0)};
    Codes tc, sc;
    Factors tf, sf;
    split_stored(s, 0.9, tc, tf, sc, sf);
    EXPECT_EQ(tc.n, 90);
    EXPECT_EQ(sc.n, 10);
}

TEST(UnifiedScores, MigAndModularityOnIdentityAndDuplicated) {  // dlib unified_scores_test (10000 points)
    Rng rng(0);
    Factors f = testing::identity_factors(10000, rng);
    auto c = testing::identity_codes(f);
    auto d = testing::duplicated_codes(c);
    const double mig = compute_mig(c, f)["mig.discrete_score"];
    const double mod = compute_modularity(c, f, c, f, false)["modularity.modularity_score"];
    EXPECT_GE(mig, 0.9);
    EXPECT_LE(mig, 1.0);
    EXPECT_GE(mod, 0.9);
    EXPECT_LE(mod, 1.0);
    const double mig_d = compute_mig(d, f)["mig.discrete_score"];
    const double mod_d = compute_modularity(d, f, d, f, false)["modularity.modularity_score"];
    EXPECT_GE(mig_d, 0.0);
    EXPECT_LE(mig_d, 0.2);
    EXPECT_GE(mod_d, 0.9);
    EXPECT_LE(mod_d, 1.0);
}

TEST(StoredCodes, RunCodesOnIdentity) {
    register_all();
    Rng rng(0);
    StoredCodes s;
    s.train_factors = testing::identity_factors(600, rng, 3, 4);
    s.train_codes = testing::identity_codes(s.train_factors);
    for (const char* n : {"mig", "dci", "sap", "modularity", "irs"}) {
        auto r = metric_registry().get(n).make.run_codes(s, preset_params(n, "fast"), 1);
        EXPECT_FALSE(r.empty()) << n;
    }
    auto u = metric_registry().get("unsupervised").make.run_codes(s, preset_params("unsupervised", "fast"), 1);
    EXPECT_EQ(u.size(), 4u);
}

}  // namespace
}  // namespace disent::metrics
