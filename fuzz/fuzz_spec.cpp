// libFuzzer target: experiment spec YAML + overrides (everything before the first NUL byte is the
// spec, each line after it an override). Only UserError may escape; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "config/spec.hpp"
#include "core/error.hpp"
#include "data/registry.hpp"
#include "metrics/metric.hpp"
#include "schedules/schedule.hpp"

namespace {

// The real dataset, sampler, metric and schedule tables plus representative model/framework/optimizer tables
// (those live in the LibTorch libraries, which this torch-free target does not link).
disent::config::Catalog make_catalog() {
    using namespace disent;
    data::register_all();
    metrics::register_all();
    schedules::register_all();
    config::Catalog c;
    c.kinds["dataset"] = data::dataset_registry().infos();
    c.kinds["sampler"] = data::sampler_registry().infos();
    c.kinds["metric"] = metrics::metric_registry().infos();
    c.kinds["schedule"] = schedules::schedule_registry().infos();
    c.check_schedule = schedules::check_schedule;
    ParamSpec init{"weight_init", ParamType::String, "xavier_normal", "init", {}, {}, {"xavier_normal", "default"}};
    c.kinds["model"] = {{"model", "conv64", "conv", {{"z_size", ParamType::Int, "9", "z", 1.0, 4096.0}, init}}};
    ParamTable fw = {{"beta", ParamType::Float, "0.003", "beta", 0.0},
                     {"loss_reduction", ParamType::String, "mean", "r", {}, {}, {"mean", "mean_sum"}},
                     {"ada_thresh_ratio", ParamType::Float, "0.5", "ratio", 0.0, 1.0}};
    c.kinds["framework"] = {{"framework", "beta_vae", "b", fw, {{"input_mode", "single"}, {"default_sampler", "single"}}},
                            {"framework", "ada_vae", "a", fw, {{"input_mode", "pair"}, {"default_sampler", "gt_pair_orig"}}}};
    c.kinds["optimizer"] = {{"optimizer", "adam", "adam", {{"lr", ParamType::Float, "0.001", "lr", 0.0}}}};
    c.check_recon_loss = [](const std::string& n) {
        if (n.empty() || n.size() > 64) throw UserError("bad recon loss");
    };
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const disent::config::Catalog catalog = make_catalog();
    std::string input(reinterpret_cast<const char*>(data), size);
    const size_t nul = input.find('\0');
    std::string yaml = input.substr(0, nul);
    std::vector<std::string> overrides;
    if (nul != std::string::npos) {
        std::istringstream rest(input.substr(nul + 1));
        std::string line;
        while (std::getline(rest, line)) overrides.push_back(line);
    }
    try {
        auto cfg = disent::config::resolve_text(yaml, "fuzz.yaml", overrides, catalog);
        // a resolved config must round-trip through its own YAML
        auto again = disent::config::resolve_text(cfg.to_yaml(), "config.yaml", {}, catalog);
        if (again.to_yaml() != cfg.to_yaml()) __builtin_trap();
    } catch (const disent::UserError&) {
    }
    return 0;
}
