// Config resolution: defaults, overrides, validation errors that name file, line and key.
#include <gtest/gtest.h>

#include "config/spec.hpp"
#include "core/error.hpp"

using namespace disent;
using namespace disent::config;

namespace {

Catalog fake_catalog() {
    Catalog c;
    c.kinds["dataset"] = {{"dataset", "xysquares", "squares", {{"grid_spacing", ParamType::Int, "8", "spacing", 1.0, 64.0}}}};
    c.kinds["sampler"] = {{"sampler", "single", "one obs", {}, {{"input_mode", "single"}}},
                          {"sampler", "gt_pair_orig", "weak pairs", {{"p_k", ParamType::Int, "-1", "k"}}, {{"input_mode", "weak_pair"}}}};
    c.kinds["model"] = {{"model", "conv64", "conv", {{"z_size", ParamType::Int, "9", "latents", 1.0}}}};
    c.kinds["framework"] = {
        {"framework", "beta_vae", "bvae", {{"beta", ParamType::Float, "0.003", "beta", 0.0}},
         {{"input_mode", "single"}, {"default_sampler", "single"}}},
        {"framework", "ada_vae", "ada", {{"beta", ParamType::Float, "0.003", "beta", 0.0}},
         {{"input_mode", "pair"}, {"default_sampler", "gt_pair_orig"}}},
        {"framework", "ae", "ae", {}, {{"input_mode", "single"}, {"default_sampler", "single"}}}};
    c.kinds["optimizer"] = {{"optimizer", "adam", "adam", {{"lr", ParamType::Float, "0.001", "lr", 0.0}}}};
    c.kinds["metric"] = {{"metric", "mig", "mig", {}}, {"metric", "dci", "dci", {}}};
    c.check_recon_loss = [](const std::string& n) {
        if (n != "mse" && n != "mse_box_r31_l1.0_k3969.0") throw UserError("unknown reconstruction loss '" + n + "'");
    };
    return c;
}

std::string error_of(const std::string& yaml, const std::vector<std::string>& ov = {}) {
    try {
        resolve_text(yaml, "spec.yaml", ov, fake_catalog());
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Spec, DefaultsFillEverySection) {
    auto cfg = resolve_text("", "spec.yaml", {}, fake_catalog());
    EXPECT_EQ(cfg.component("framework"), "beta_vae");
    EXPECT_EQ(cfg.component("sampler"), "single");  // auto -> framework's default
    EXPECT_DOUBLE_EQ(cfg.section("framework").get_float("beta"), 0.003);
    EXPECT_EQ(cfg.section("train").get_int("steps"), 115200);
    EXPECT_EQ(cfg.top.get_string("device"), "auto");
}

TEST(Spec, OverridesWinOverFile) {
    auto cfg = resolve_text("framework:\n  name: beta_vae\n  beta: 0.5\ntrain:\n  steps: 10\n", "spec.yaml",
                            {"train.steps=20", "framework.beta=0.001", "dataset.grid_spacing=4", "seed=3"},
                            fake_catalog());
    EXPECT_EQ(cfg.section("train").get_int("steps"), 20);
    EXPECT_DOUBLE_EQ(cfg.section("framework").get_float("beta"), 0.001);
    EXPECT_EQ(cfg.section("dataset").get_int("grid_spacing"), 4);
    EXPECT_EQ(cfg.top.get_int("seed"), 3);
}

TEST(Spec, SectionShorthandSelectsComponentAndSampler) {
    auto cfg = resolve_text("", "spec.yaml", {"framework=ada_vae"}, fake_catalog());
    EXPECT_EQ(cfg.component("framework"), "ada_vae");
    EXPECT_EQ(cfg.component("sampler"), "gt_pair_orig");
    EXPECT_EQ(cfg.section("sampler").get_int("p_k"), -1);
}

TEST(Spec, UnknownKeyNamesFileLineAndSuggests) {
    std::string e = error_of("train:\n  steps: 5\nframework:\n  name: beta_vae\n  betaa: 0.1\n");
    EXPECT_NE(e.find("spec.yaml:5"), std::string::npos) << e;
    EXPECT_NE(e.find("'framework.betaa'"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'framework.beta'"), std::string::npos) << e;
}

TEST(Spec, UnknownTopLevelKeySuggests) {
    std::string e = error_of("trian:\n  steps: 5\n");
    EXPECT_NE(e.find("spec.yaml:1"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'train'"), std::string::npos) << e;
}

TEST(Spec, WrongTypeAndRangeAreRejected) {
    std::string e = error_of("train:\n  steps: many\n");
    EXPECT_NE(e.find("spec.yaml:2"), std::string::npos) << e;
    EXPECT_NE(e.find("'train.steps'"), std::string::npos) << e;
    EXPECT_NE(e.find("expected int"), std::string::npos) << e;
    e = error_of("", {"train.steps=0"});
    EXPECT_NE(e.find("override 'train.steps=0'"), std::string::npos) << e;
    EXPECT_NE(e.find(">= 1"), std::string::npos) << e;
    e = error_of("", {"framework.beta=-1"});
    EXPECT_NE(e.find("'framework.beta'"), std::string::npos) << e;
    e = error_of("", {"dataset.grid_spacing=2.5"});
    EXPECT_NE(e.find("expected int"), std::string::npos) << e;
}

TEST(Spec, UnknownComponentSuggests) {
    std::string e = error_of("framework: betavae\n");
    EXPECT_NE(e.find("spec.yaml:1"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'beta_vae'"), std::string::npos) << e;
}

TEST(Spec, ParamNotTakenByNewComponentIsRejected) {
    std::string e = error_of("framework:\n  name: beta_vae\n  beta: 0.1\n", {"framework=ae"});
    EXPECT_NE(e.find("'framework.beta' is unknown for framework 'ae'"), std::string::npos) << e;
}

TEST(Spec, IncompatibleSamplerNamesNeededMode) {
    std::string e = error_of("framework: ada_vae\nsampler: single\n");
    EXPECT_NE(e.find("needs input mode 'pair'"), std::string::npos) << e;
}

TEST(Spec, ReconLossAndDeviceValidated) {
    EXPECT_NE(error_of("recon_loss: msee\n").find("spec.yaml:1: key 'recon_loss'"), std::string::npos);
    EXPECT_NE(error_of("", {"device=gpu"}).find("expected auto, cpu, cuda or cuda:N"), std::string::npos);
    EXPECT_EQ(error_of("", {"device=cuda:1", "recon_loss=mse_box_r31_l1.0_k3969.0"}), "");
}

TEST(Spec, MetricListsValidatedAgainstCatalog) {
    std::string e = error_of("metrics:\n  final: [mig, dcii]\n");
    EXPECT_NE(e.find("did you mean 'dci'"), std::string::npos) << e;
    auto cfg = resolve_text("metrics:\n  final: [mig]\n  during: []\n", "s.yaml", {}, fake_catalog());
    EXPECT_EQ(cfg.section("metrics").get_string_list("final"), std::vector<std::string>{"mig"});
    EXPECT_TRUE(cfg.section("metrics").get_string_list("during").empty());
}

TEST(Spec, ResolvedYamlRoundTrips) {
    auto cfg = resolve_text("framework: ada_vae\n", "s.yaml", {"framework.beta=0.0316", "train.steps=7"}, fake_catalog());
    auto again = resolve_text(cfg.to_yaml(), "config.yaml", {}, fake_catalog());
    EXPECT_EQ(cfg.to_yaml(), again.to_yaml());
    EXPECT_EQ(again.flat().at("framework.beta"), "0.0316");
}

TEST(Spec, MalformedYamlAndOverrides) {
    EXPECT_NE(error_of("train: [1, 2\n").find("invalid YAML"), std::string::npos);
    EXPECT_NE(error_of("", {"train.steps"}).find("expected key.path=value"), std::string::npos);
    EXPECT_NE(error_of("", {"a.b.c=1"}).find("section 'a' is unknown"), std::string::npos);
    EXPECT_NE(error_of("", {"train.steps.x=1"}).find("too deep"), std::string::npos);
}

TEST(Spec, MissingFileIsUserError) {
    EXPECT_THROW(resolve_file("/nonexistent/spec.yaml", {}, fake_catalog()), UserError);
}
