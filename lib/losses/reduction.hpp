#pragma once
// Loss reductions (spec §1.1), shared by the reconstruction and regularisation (KL) terms.
#include <torch/torch.h>

#include <string>

namespace disent::losses {

// Mean: mean over every element, (1/(B·D)) Σ ℓ.
// MeanSum: sum over all non-batch dims per sample, then mean over the batch (classic ELBO scaling).
// Upstream mentions "sum" in comments but never supported it, so neither do we.
enum class Reduction { Mean, MeanSum };

// "mean" / "mean_sum"; anything else is a UserError.
Reduction parse_reduction(const std::string& name);
std::string reduction_name(Reduction r);

// Reduces an unreduced (B, ...) loss tensor to a scalar. A 1-D input is treated as one value per sample.
torch::Tensor reduce_loss(const torch::Tensor& unreduced, Reduction r);

}  // namespace disent::losses
