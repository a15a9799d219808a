#pragma once
// Registries of datasets and samplers (explicit registration: data::register_all()).
#include <functional>
#include <map>
#include <string>
#include <memory>

#include "core/registry.hpp"
#include "data/ground_truth.hpp"
#include "data/sampler.hpp"

namespace disent::data {

using DatasetFactory = std::function<std::unique_ptr<GroundTruthData>(const Params&)>;
using SamplerFactory = std::function<std::unique_ptr<Sampler>(const Params&, const StateSpace&)>;

Registry<DatasetFactory>& dataset_registry();
Registry<SamplerFactory>& sampler_registry();

// Registers every built-in dataset and sampler (idempotent).
void register_all();

// Convenience: build a dataset by registry name with parameter overrides given as YAML text.
std::unique_ptr<GroundTruthData> make_dataset(const std::string& name,
                                              const std::map<std::string, std::string>& overrides = {});
// Same for a sampler over a dataset's state space.
std::unique_ptr<Sampler> make_sampler(const std::string& name, const StateSpace& states,
                                      const std::map<std::string, std::string>& overrides = {});

}  // namespace disent::data
