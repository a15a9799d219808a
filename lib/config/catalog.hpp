#pragma once
// What the config system knows about registered components, without depending on any of them:
// the app (and tests) fill a Catalog from the registries, so lib/config stays torch-free.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/registry.hpp"

namespace disent::config {

struct Catalog {
    // kind ("dataset", "sampler", "model", "framework", "optimizer", "metric", "schedule") -> components
    std::map<std::string, std::vector<ComponentInfo>> kinds;
    // Throws UserError for an unknown reconstruction loss name (the loss grammar lives in lib/losses).
    std::function<void(const std::string&)> check_recon_loss;
    // Throws UserError for parameters of a registered schedule that no single table entry can reject
    // (end_step <= start_step, ...); the schedules live in lib/schedules. Optional.
    std::function<void(const std::string& name, const Params& params)> check_schedule;

    const ComponentInfo* find(const std::string& kind, const std::string& name) const;
    std::vector<std::string> names(const std::string& kind) const;
};

}  // namespace disent::config
