// Dataset and sampler registries: names, parameter tables, traits, make_dataset/make_sampler and errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "data/registry.hpp"
#include "data/xysquares.hpp"

using namespace disent;
using namespace disent::data;

namespace {
bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}
std::string user_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(DataRegistry, NamesTraitsAndTables) {
    register_all();
    register_all();  // idempotent
    auto ds = dataset_registry().names();
    for (auto n : {"xysquares_minimal", "xysquares", "xysinglesquare", "xcolumns"}) EXPECT_TRUE(contains(ds, n)) << n;
    for (auto n : {"xyobject", "xyobject_shaded", "xyblocks", "dsprites", "shapes3d", "cars3d", "smallnorb", "mpi3d_toy",
                   "mpi3d_realistic", "mpi3d_real"})
        EXPECT_TRUE(contains(ds, n)) << n;
    EXPECT_EQ(ds.size(), 14u);
    EXPECT_EQ(dataset_registry().get("xysquares").info.traits.at("data_name"), "xy_squares");
    EXPECT_EQ(dataset_registry().get("xcolumns").info.traits.at("data_name"), "x_columns");
    auto ss = sampler_registry().names();
    EXPECT_EQ(ss.size(), 6u);  // single, gt_pair, gt_pair_orig, gt_triple, gt_dist, random
    EXPECT_EQ(sampler_registry().get("single").info.traits.at("input_mode"), "single");
    EXPECT_EQ(sampler_registry().get("gt_pair").info.traits.at("input_mode"), "pair");
    EXPECT_EQ(sampler_registry().get("gt_pair_orig").info.traits.at("input_mode"), "weak_pair");
    for (const auto& info : dataset_registry().infos()) {
        EXPECT_EQ(info.kind, "dataset");
        EXPECT_FALSE(info.description.empty());
        for (const auto& p : info.params) EXPECT_FALSE(p.help.empty()) << info.name << "." << p.name;
        EXPECT_NO_THROW(defaults_of(info.params)) << info.name;
    }
    for (const auto& info : sampler_registry().infos()) {
        EXPECT_EQ(info.kind, "sampler");
        EXPECT_FALSE(info.description.empty());
        for (const auto& p : info.params) EXPECT_FALSE(p.help.empty()) << info.name << "." << p.name;
        EXPECT_NO_THROW(defaults_of(info.params)) << info.name;
    }
}

TEST(DataRegistry, MakeDataset) {
    auto d = make_dataset("xysquares", {{"grid_spacing", "4"}, {"grid_size", "8"}});
    auto* xy = dynamic_cast<XYSquaresData*>(d.get());
    ASSERT_NE(xy, nullptr);
    EXPECT_EQ(xy->grid().offset, 14);
    EXPECT_EQ(d->states().size(), 262144);
    auto grey = make_dataset("xysquares", {{"rgb", "false"}});
    EXPECT_EQ(grey->channels(), 1);
    EXPECT_EQ(grey->norm_mean(), (std::vector<double>{0.046146392822265625}));
    auto m = make_dataset("xysquares_minimal");
    EXPECT_EQ(m->name(), "xy_squares_minimal");
    auto x = make_dataset("xcolumns", {{"num_squares", "2"}});
    EXPECT_EQ(x->states().factor_names(), (std::vector<std::string>{"x_R", "x_G"}));
    EXPECT_EQ(x->norm_mean().size(), 3u);
    EXPECT_EQ(x->norm_mean()[2], 0.0);  // unused blue channel
    auto s = make_dataset("xysinglesquare", {{"image_size", "32"}});
    EXPECT_EQ(s->states().factor_sizes(), (std::vector<int64_t>{4, 4}));
}

TEST(DataRegistry, ErrorsNameTheParameter) {
    std::string e = user_error_of([] { make_dataset("xysquares", {{"num_squares", "0"}}); });
    EXPECT_NE(e.find("num_squares"), std::string::npos) << e;
    e = user_error_of([] { make_dataset("xysquares", {{"square_size", "70"}}); });
    EXPECT_NE(e.find("square_size"), std::string::npos) << e;
    EXPECT_NE(e.find("image_size"), std::string::npos) << e;
    e = user_error_of([] { make_dataset("xysquares", {{"fill_value", "256"}}); });
    EXPECT_NE(e.find("fill_value"), std::string::npos) << e;
    e = user_error_of([] { make_dataset("xysquare", {}); });
    EXPECT_NE(e.find("did you mean"), std::string::npos) << e;
    e = user_error_of([] { make_dataset("xysquares", {{"gridsize", "3"}}); });
    EXPECT_NE(e.find("gridsize"), std::string::npos) << e;
}

TEST(DataRegistry, MakeSampler) {
    auto d = make_dataset("xysquares");
    auto s = make_sampler("gt_pair", d->states(), {{"p_k_range", "[2, 2]"}});
    EXPECT_EQ(s->input_mode(), "pair");
    Rng rng(1);
    int64_t out[2];
    s->sample(5, rng, out);
    EXPECT_EQ(out[0], 5);
    auto o = make_sampler("gt_pair_orig", d->states(), {{"faithful_k", "false"}});
    EXPECT_EQ(o->input_mode(), "weak_pair");
    std::string e = user_error_of([&] { make_sampler("gt_pair", d->states(), {{"p_k_range", "[1, 9]"}}); });
    EXPECT_NE(e.find("p_k_range"), std::string::npos) << e;
    e = user_error_of([&] { make_sampler("gt_pair_orig", d->states(), {{"p_k", "8"}}); });
    EXPECT_NE(e.find("p_k"), std::string::npos) << e;
}
