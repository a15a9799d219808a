#pragma once
// Fixed 2-D kernels for the augmented reconstruction loss (spec §2.3 "Kernel registry").
// Kernels are float32 tensors of shape (1, 1, kh, kw) with odd kh, kw; they never require gradients.
#include <torch/torch.h>

#include <string>

namespace disent::losses {

// `box_r<R>`: (2R+1)^2 taps, each 1/(2R+1)^2.
torch::Tensor make_box_kernel(int64_t radius);
// Sampled Normal pdf exp(-t²/2σ²)/(√(2π)σ) at integer offsets |t| <= int(truncate·σ + 0.5), outer product
// of two such 1-D kernels. Deliberately NOT renormalised (upstream quirk, spec §12 item 11).
torch::Tensor make_gaussian_kernel(double sigma, double truncate = 4.0);
// Registry lookup: `box_r<R>` or `gau_r<R>` (σ = R/4, truncate 4, so the radius is R again).
// Unknown names are a UserError listing the accepted forms.
torch::Tensor make_kernel(const std::string& name);

// Normalisation applied once at construction: sum, abssum, possum, negsum, maxsum or none.
// Unknown modes and a zero divisor (e.g. negsum of an all-positive kernel) are UserErrors.
torch::Tensor normalize_kernel(const torch::Tensor& kernel, const std::string& mode);

// Throws std::invalid_argument unless `kernel` is a 4-D (1, 1, kh, kw) tensor with odd kh and kw.
void check_kernel(const torch::Tensor& kernel);

}  // namespace disent::losses
