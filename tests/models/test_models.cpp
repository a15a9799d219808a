// Model shapes (spec §4) and weight initialisation (spec §4.5).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.hpp"
#include "models/autoencoder.hpp"

using namespace disent;
using namespace disent::models;

static Params model_params(int64_t z, const std::string& init = "xavier_normal") {
    register_all();
    return make_params(model_registry().get("conv64").info.params, {{"z_size", std::to_string(z)}, {"weight_init", init}});
}

TEST(Models, Conv64ShapesMatchDisent) {
    auto m = make_model("conv64", model_params(9), 3, 64, 64, 2);
    auto x = torch::randn({2, 3, 64, 64});
    // the flatten after the conv stack has 64*5*5 = 1600 features (padding 2)
    auto h = x;
    for (size_t i : {0, 2, 4, 6}) h = torch::relu(m->encoder->ptr(i)->as<torch::nn::Conv2d>()->forward(h));
    EXPECT_EQ(h.sizes(), (std::vector<int64_t>{2, 64, 5, 5}));
    EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{2, 18}));
    EXPECT_EQ(m->decode(torch::randn({2, 9})).sizes(), (std::vector<int64_t>{2, 3, 64, 64}));
    // parameter count of disent's conv64 (z=9, VAE): convs + linears, computed by hand
    int64_t conv = (3 * 32 * 16 + 32) + (32 * 32 * 16 + 32) + (32 * 64 * 16 + 64) + (64 * 64 * 16 + 64);
    int64_t enc = conv + (1600 * 256 + 256) + (256 * 18 + 18);
    int64_t dec = (9 * 256 + 256) + (256 * 1024 + 1024) + (64 * 64 * 16 + 64) + (64 * 32 * 16 + 32) +
                  (32 * 32 * 16 + 32) + (32 * 3 * 16 + 3);
    int64_t n = 0;
    for (auto& p : m->parameters()) n += p.numel();
    EXPECT_EQ(n, enc + dec);
}

TEST(Models, FcAndLinearAnySize) {
    register_all();
    auto p = make_params(model_registry().get("fc").info.params, {{"z_size", "4"}});
    auto fc = make_model("fc", p, 1, 32, 32, 1);
    EXPECT_EQ(fc->encode(torch::randn({3, 1, 32, 32})).sizes(), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(fc->decode(torch::randn({3, 4})).sizes(), (std::vector<int64_t>{3, 1, 32, 32}));
    auto lin = make_model("linear", p, 3, 8, 8, 2);
    EXPECT_EQ(lin->encode(torch::randn({5, 3, 8, 8})).sizes(), (std::vector<int64_t>{5, 8}));
}

TEST(Models, Conv64RejectsOtherSizes) {
    EXPECT_THROW(make_model("conv64", model_params(9), 3, 32, 32, 1), UserError);
}

TEST(Models, XavierNormalInitHasZeroBiasAndExpectedStd) {
    torch::manual_seed(0);
    auto m = make_model("conv64", model_params(9), 3, 64, 64, 2);
    for (auto& kv : m->named_parameters()) {
        if (kv.key().find("bias") != std::string::npos) EXPECT_EQ(kv.value().abs().max().item<float>(), 0.f) << kv.key();
    }
    // Linear(1600 -> 256): xavier std = sqrt(2 / (1600 + 256))
    auto w = m->named_parameters()["encoder.9.weight"];
    ASSERT_EQ(w.sizes(), (std::vector<int64_t>{256, 1600}));
    EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / (1600 + 256)), 0.001);
    // ConvTranspose2d(64 -> 32, k4): weight (in=64, out=32, 4, 4); fan_in = 32*16, fan_out = 64*16
    auto wt = m->named_parameters()["decoder.7.weight"];
    ASSERT_EQ(wt.sizes(), (std::vector<int64_t>{64, 32, 4, 4}));
    EXPECT_NEAR(wt.std().item<double>(), std::sqrt(2.0 / (32 * 16 + 64 * 16)), 0.003);
}

TEST(Models, EveryRegisteredModelBuilds) {
    register_all();
    for (const auto& name : model_registry().names()) {
        auto p = defaults_of(model_registry().get(name).info.params);
        auto m = make_model(name, p, 3, 64, 64, 2);
        EXPECT_EQ(m->encode(torch::zeros({1, 3, 64, 64})).size(1), 2 * p.get_int("z_size")) << name;
    }
}
