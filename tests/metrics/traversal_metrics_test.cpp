// Flatness, linearity and distances (disent-original metrics) on the identity model, whose traversals
// are straight, evenly spaced lines along one axis: every score is exactly 1.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "metrics/factored_components.hpp"
#include "metrics/flatness.hpp"
#include "metrics/testing_model.hpp"

namespace disent::metrics {
namespace {

using testing::IdentityModel;

Params small(const std::string& metric, std::map<std::string, std::string> o = {}) {
    register_all();
    return make_params(metric_registry().get(metric).info.params, o);
}

TEST(Flatness, WidthAndDeltas) {
    // A square traversal (0,0) (1,0) (1,1) (0,1): L1 width 2, deltas 1 (all four, keep the smallest three).
    std::vector<double> z = {0, 0, 1, 0, 1, 1, 0, 1};
    double w, d;
    traversal_width_delta(z, 4, 2, 1, w, d);
    EXPECT_DOUBLE_EQ(w, 2.0);
    EXPECT_DOUBLE_EQ(d, 1.0);
    traversal_width_delta(z, 4, 2, 2, w, d);
    EXPECT_DOUBLE_EQ(w, std::sqrt(2.0));
}

TEST(Flatness, IdentityIsFlat) {
    IdentityModel m(IdentityModel::Rep::Identity, 4, 6);
    auto r = metric_registry().get("flatness").make.run(m.context(3), small("flatness", {{"repeats", "16"}}));
    ASSERT_EQ(r.size(), 7u);
    EXPECT_NEAR(r["flatness.ave_flatness"], 1.0, 1e-12);
    EXPECT_NEAR(r["flatness.ave_flatness_l1"], 1.0, 1e-12);
    EXPECT_NEAR(r["flatness.ave_flatness_l2"], 1.0, 1e-12);
    EXPECT_NEAR(r["flatness.ave_width_l1"], 5.0, 1e-12);
    EXPECT_NEAR(r["flatness.ave_length_l2"], 5.0, 1e-12);
}

TEST(Flatness, ZerosGiveZero) {
    IdentityModel m(IdentityModel::Rep::Zeros, 3, 4);
    auto r = metric_registry().get("flatness").make.run(m.context(3), small("flatness", {{"repeats", "4"}}));
    EXPECT_EQ(r["flatness.ave_flatness"], 0.0);
}

TEST(Linearity, RatioScore) {
    EXPECT_NEAR(ratio_score({1, 0, 0, 0}), 1.0, 1e-12);
    EXPECT_NEAR(ratio_score({1, 1, 1, 1}), 0.0, 1e-12);
    EXPECT_NEAR(ratio_score({2, 1, 1}), (0.5 - 1.0 / 3) / (1 - 1.0 / 3), 1e-12);
    EXPECT_NEAR(geometric_mean({1, 4}), 2.0, 1e-12);
    EXPECT_EQ(geometric_mean({0, 4}), 0.0);
    EXPECT_TRUE(std::isnan(geometric_mean({-1, 4})));
}

TEST(Linearity, IdentityIsAxisAligned) {
    IdentityModel m(IdentityModel::Rep::Identity, 3, 5);
    auto r = metric_registry().get("linearity").make.run(m.context(1), small("linearity", {{"repeats", "8"}}));
    ASSERT_EQ(r.size(), 4u);
    for (const auto& [k, v] : r) EXPECT_NEAR(v, 1.0, 1e-9) << k;
}

TEST(Linearity, RotatedLineIsLinearButNotAxisAligned) {
    std::vector<double> z;
    for (int i = 0; i < 5; ++i) z.push_back(i), z.push_back(i);  // the diagonal
    double a, l;
    std::vector<double> av;
    linearity_of_traversal(z, 5, 2, a, l, av);
    EXPECT_NEAR(a, 0.0, 1e-12);
    EXPECT_NEAR(l, 1.0, 1e-12);
}

TEST(Distances, IdentityAgreesEverywhere) {
    IdentityModel m(IdentityModel::Rep::Identity, 3, 5);
    auto r = metric_registry().get("factored_components").make.run(
        m.context(2, true), small("factored_components", {{"repeats", "8"}, {"num_samples", "16"}, {"global_subset_size", "8"}}));
    for (const char* k : {"distances.rsame_ground_data.factor", "distances.rsame_ground_latent.l1.factor",
                          "distances.rsame_ground_latent.l2.factor", "distances.rsame_latent_data.l1.factor",
                          "distances.rcorr_ground_latent.l1.factor", "distances.lcorr_ground_latent.l1.factor",
                          "distances.rcorr_ground_data.factor", "linearity.axis_ratio.var"})
        EXPECT_NEAR(r.at(k), 1.0, 1e-9) << k;
    // Globally, the L1 latent distance is the L1 factor distance.
    EXPECT_NEAR(r.at("distances.rsame_ground_latent.l1.global"), 1.0, 1e-12);
    EXPECT_NEAR(r.at("distances.lcorr_ground_latent.l1.global"), 1.0, 1e-12);
    EXPECT_EQ(r.count("distances.rsame_ground_data.global"), 1u);
}

TEST(Distances, WithoutObservationsIsAUserError) {
    IdentityModel m(IdentityModel::Rep::Identity, 3, 5);
    EXPECT_THROW(metric_registry().get("distances").make.run(m.context(2), small("distances", {{"repeats", "2"}})), UserError);
}

TEST(DistanceAgreement, OppositeOrdering) {
    auto a = distance_agreement({1, 2, 3, 0}, {3, 0, 1, 2});  // triplet 0: a<a' ... b>b'
    EXPECT_DOUBLE_EQ(a.rsame, 0.0);
}

}  // namespace
}  // namespace disent::metrics
