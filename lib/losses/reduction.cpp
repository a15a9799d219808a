#include "losses/reduction.hpp"

#include <stdexcept>

#include "core/error.hpp"

namespace disent::losses {

Reduction parse_reduction(const std::string& name) {
    if (name == "mean") return Reduction::Mean;
    if (name == "mean_sum") return Reduction::MeanSum;
    throw UserError("unknown loss reduction '" + name + "'; expected mean or mean_sum");
}

std::string reduction_name(Reduction r) { return r == Reduction::Mean ? "mean" : "mean_sum"; }

torch::Tensor reduce_loss(const torch::Tensor& unreduced, Reduction r) {
    if (unreduced.dim() < 1)
        throw std::invalid_argument("reduce_loss: expected a (B, ...) tensor, got a scalar");
    if (r == Reduction::Mean || unreduced.dim() == 1) return unreduced.mean();
    // flatten(1) rather than reshape({B, -1}) so an empty batch still has a well-defined shape.
    return unreduced.flatten(1).sum(1).mean();
}

}  // namespace disent::losses
