// The metric registry, presets, sample_codes, and "mig"/"dci" run end to end on a fake model whose
// encoder returns the factor vector (identity representation).
#include <gtest/gtest.h>

#include <algorithm>

#include "data/state_space.hpp"
#include "metrics/metric.hpp"

namespace disent::metrics {
namespace {

struct FakeModel {
    data::StateSpace states{{3, 4, 5}, {}};
    int64_t calls = 0, max_batch = 0;
    MetricContext context(uint64_t seed) {
        MetricContext ctx;
        ctx.states = &states;
        ctx.z_size = states.num_factors();
        ctx.seed = seed;
        ctx.encode = [this](const std::vector<int64_t>& idx) {
            ++calls;
            max_batch = std::max<int64_t>(max_batch, static_cast<int64_t>(idx.size()));
            std::vector<double> z;
            for (int64_t i : idx)
                for (int64_t v : states.idx_to_pos(i)) z.push_back(static_cast<double>(v));
            return z;
        };
        return ctx;
    }
};

TEST(MetricRegistry, RegisterAllIsIdempotent) {
    register_all();
    register_all();
    auto names = metric_registry().names();
    EXPECT_EQ(std::count(names.begin(), names.end(), "mig"), 1);
    EXPECT_EQ(std::count(names.begin(), names.end(), "dci"), 1);
    for (const auto& info : metric_registry().infos()) {
        EXPECT_EQ(info.kind, "metric");
        EXPECT_FALSE(info.description.empty());
        EXPECT_FALSE(info.params.empty());
    }
}

TEST(MetricRegistry, Presets) {
    register_all();
    EXPECT_EQ(preset_params("mig", "full").get_int("num_train"), 10000);
    EXPECT_EQ(preset_params("mig", "fast").get_int("num_train"), 2000);
    EXPECT_EQ(preset_params("mig", "fast").get_int("batch_size"), 16);
    auto dci_full = preset_params("dci", "full");
    EXPECT_EQ(dci_full.get_int("num_train"), 10000);
    EXPECT_EQ(dci_full.get_int("num_test"), 5000);
    EXPECT_EQ(dci_full.get_string("boost_mode"), "sklearn");
    auto dci_fast = preset_params("dci", "fast");
    EXPECT_EQ(dci_fast.get_int("num_train"), 1000);
    EXPECT_EQ(dci_fast.get_int("num_test"), 500);
    EXPECT_THROW(preset_params("dci", "medium"), UserError);
    EXPECT_THROW(preset_params("dcii", "full"), UserError);
    // Parameter validation comes from the table (num_train >= its minimum).
    EXPECT_THROW(make_params(metric_registry().get("mig").info.params, {{"num_train", "0"}}), UserError);
}

TEST(SampleCodes, EncodesUniformFactorsInOneCall) {
    FakeModel model;
    auto ctx = model.context(3);
    Rng rng(3);
    Codes codes;
    Factors factors;
    sample_codes(ctx, 50, 16, rng, codes, factors);
    EXPECT_EQ(codes.n, 50);
    EXPECT_EQ(codes.z, 3);
    EXPECT_EQ(factors.n, 50);
    EXPECT_EQ(factors.f, 3);
    EXPECT_EQ(model.calls, 1);  // the encoder batches by itself (large batches on a GPU)
    EXPECT_EQ(model.max_batch, 50);
    for (int64_t i = 0; i < 50; ++i)
        for (int64_t j = 0; j < 3; ++j) {
            EXPECT_EQ(codes.at(i, j), static_cast<double>(factors.at(i, j)));
            EXPECT_GE(factors.at(i, j), 0);
            EXPECT_LT(factors.at(i, j), model.states.factor_sizes()[j]);
        }
    // Same seed, same draw, whatever disent's batch_size.
    Rng rng2(3);
    Codes codes2;
    Factors factors2;
    sample_codes(ctx, 50, 7, rng2, codes2, factors2);
    EXPECT_EQ(factors2.values, factors.values);
}

TEST(SampleCodes, RejectsWrongEncoderOutput) {
    FakeModel model;
    auto ctx = model.context(0);
    ctx.z_size = 4;  // encoder returns 3 values per point
    Rng rng(0);
    Codes c;
    Factors f;
    EXPECT_THROW(sample_codes(ctx, 5, 2, rng, c, f), std::logic_error);
}

TEST(RegisteredMetrics, MigEndToEndOnIdentityModel) {
    register_all();
    FakeModel model;
    auto ctx = model.context(11);
    auto result = metric_registry().get("mig").make.run(ctx, preset_params("mig", "fast"));
    ASSERT_EQ(result.size(), 1u);
    EXPECT_GE(result["mig.discrete_score"], 0.9);
    EXPECT_LE(result["mig.discrete_score"], 1.0 + 1e-12);
    // Deterministic for a seed.
    EXPECT_EQ(metric_registry().get("mig").make.run(ctx, preset_params("mig", "fast")), result);
}

TEST(RegisteredMetrics, DciEndToEndOnIdentityModel) {
    register_all();
    FakeModel model;
    auto ctx = model.context(12);
    const auto& entry = metric_registry().get("dci");
    auto params = make_params(entry.info.params, {{"num_train", "300"}, {"num_test", "200"}});
    auto result = entry.make.run(ctx, params);
    ASSERT_EQ(result.size(), 4u);
    EXPECT_GE(result["dci.disentanglement"], 0.9);
    EXPECT_GE(result["dci.completeness"], 0.9);
    EXPECT_DOUBLE_EQ(result["dci.informativeness_train"], 1.0);
    EXPECT_DOUBLE_EQ(result["dci.informativeness_test"], 1.0);
}

}  // namespace
}  // namespace disent::metrics
