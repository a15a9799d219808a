// The sampler must give the framework its input mode; samplers whose tuple size is `num_samples`
// (random, gt_dist: trait input_mode = "num_samples") give single / pair / triplet for 1 / 2 / 3.
#include <gtest/gtest.h>

#include "config/spec.hpp"
#include "core/error.hpp"

using namespace disent;
using namespace disent::config;

namespace {

// Mirrors the traits lib/data/registry.cpp registers (tests/data/test_samplers_triplet.cpp checks those).
Catalog catalog() {
    Catalog c;
    c.kinds["dataset"] = {{"dataset", "xysquares", "squares", {}}};
    const ParamSpec num_samples{"num_samples", ParamType::Int, "2", "observations", 1.0, 3.0};
    const std::map<std::string, std::string> counted = {{"input_mode", "num_samples"}, {"num_obs", "num_samples"}};
    c.kinds["sampler"] = {
        {"sampler", "single", "one obs", {}, {{"input_mode", "single"}, {"num_obs", "1"}}},
        {"sampler", "gt_pair_orig", "weak pairs", {}, {{"input_mode", "weak_pair"}, {"num_obs", "2"}}},
        {"sampler", "gt_triple", "triplets", {}, {{"input_mode", "triplet"}, {"num_obs", "3"}}},
        {"sampler", "random", "uniform", {num_samples}, counted},
        {"sampler", "gt_dist", "ordered uniform",
         {{"num_samples", ParamType::Int, "3", "observations", 1.0, 3.0}}, counted},
    };
    c.kinds["model"] = {{"model", "conv64", "conv", {}}};
    c.kinds["framework"] = {
        {"framework", "beta_vae", "bvae", {}, {{"input_mode", "single"}, {"default_sampler", "single"}}},
        {"framework", "ada_vae", "ada", {}, {{"input_mode", "pair"}, {"default_sampler", "gt_pair_orig"}}},
        {"framework", "tvae", "triplet", {}, {{"input_mode", "triplet"}, {"default_sampler", "gt_triple"}}},
    };
    c.kinds["optimizer"] = {{"optimizer", "adam", "adam", {}}};
    c.kinds["metric"] = {{"metric", "mig", "mig", {}}, {"metric", "dci", "dci", {}}};
    return c;
}

std::string error_of(const std::string& yaml, const std::vector<std::string>& ov = {}) {
    try {
        resolve_text(yaml, "spec.yaml", ov, catalog());
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(SamplerModes, TripletFrameworkNeedsThreeSamples) {
    std::string e = error_of("framework: tvae\nsampler:\n  name: random\n  num_samples: 2\n");
    EXPECT_NE(e.find("framework 'tvae' needs input mode 'triplet' but sampler 'random' gives 'pair'; use "
                     "sampler.name=auto or a 'triplet' sampler (or sampler.num_samples=3)"),
              std::string::npos)
        << e;
    EXPECT_EQ(e.rfind("spec.yaml:4: ", 0), 0u) << e;  // points at the num_samples line
    e = error_of("framework: tvae\nsampler: random\n");  // default num_samples 2
    EXPECT_NE(e.find("gives 'pair'"), std::string::npos) << e;
    EXPECT_EQ(e.rfind("spec.yaml:2: ", 0), 0u) << e;  // no num_samples key: the sampler.name line
    EXPECT_EQ(error_of("framework: tvae\nsampler:\n  name: random\n  num_samples: 3\n"), "");
    EXPECT_EQ(error_of("framework: tvae\nsampler: random\n", {"sampler.num_samples=3"}), "");
    auto cfg = resolve_text("framework: tvae\nsampler: gt_dist\n", "spec.yaml", {}, catalog());
    EXPECT_EQ(cfg.section("sampler").get_int("num_samples"), 3);
    EXPECT_EQ(resolve_text("framework: tvae\n", "spec.yaml", {}, catalog()).component("sampler"), "gt_triple");
}

TEST(SamplerModes, EveryCountMapsToOneMode) {
    // need -> the one num_samples that gives it
    const std::vector<std::pair<std::string, int>> fws = {{"beta_vae", 1}, {"ada_vae", 2}, {"tvae", 3}};
    const char* modes[] = {"", "single", "pair", "triplet"};
    for (const char* sampler : {"random", "gt_dist"}) {
        for (const auto& [fw, want] : fws) {
            for (int n = 1; n <= 3; ++n) {
                const std::string e = error_of("framework: " + fw + "\nsampler: " + sampler + "\n",
                                               {"sampler.num_samples=" + std::to_string(n)});
                if (n == want) {
                    EXPECT_EQ(e, "") << fw << " " << sampler << " " << n;
                } else {
                    EXPECT_NE(e.find("but sampler '" + std::string(sampler) + "' gives '" + modes[n] + "'"),
                              std::string::npos)
                        << e;
                    EXPECT_NE(e.find("(or sampler.num_samples=" + std::to_string(want) + ")"), std::string::npos) << e;
                    EXPECT_EQ(e.rfind("override 'sampler.num_samples=", 0), 0u) << e;
                }
            }
        }
    }
    EXPECT_NE(error_of("framework: tvae\nsampler: random\n", {"sampler.num_samples=4"}).find("num_samples"),
              std::string::npos);  // out of the table's range
}

TEST(SamplerModes, FixedModeSamplersKeepTheirMessage) {
    std::string e = error_of("framework: tvae\nsampler: gt_pair_orig\n");
    EXPECT_NE(e.find("framework 'tvae' needs input mode 'triplet' but sampler 'gt_pair_orig' gives 'weak_pair'; use "
                     "sampler.name=auto or a 'triplet' sampler"),
              std::string::npos)
        << e;
    EXPECT_EQ(e.find("num_samples"), std::string::npos) << e;
    EXPECT_EQ(error_of("framework: ada_vae\nsampler: gt_pair_orig\n"), "");  // weak pairs are pairs
    EXPECT_NE(error_of("framework: ada_vae\nsampler: gt_triple\n").find("gives 'triplet'"), std::string::npos);
}
