#pragma once
// Optimiser registry (spec §1.0: one optimiser over all parameters, no LR scheduler).
#include <torch/torch.h>

#include <functional>
#include <memory>

#include "core/registry.hpp"
#include "train/optimizer.hpp"

namespace disent::train {

using OptimizerFactory =
    std::function<std::unique_ptr<Optimizer>(const Params&, std::vector<torch::Tensor>)>;
Registry<OptimizerFactory>& optimizer_registry();
void register_optimizers();

}  // namespace disent::train
