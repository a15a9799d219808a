#pragma once
// Fixed 2-D kernels for the augmented reconstruction loss (spec §2.3 "Kernel registry").
// Kernels are float32 tensors of shape (1, 1, kh, kw) with odd kh, kw; they never require gradients.
#include <torch/torch.h>

#include <string>

namespace disent::losses {

// A 2-D kernel and, when it was built as an outer product, its two 1-D factors: dense = col ⊗ row.
// The factors are carried from construction (never detected numerically) so that the loss can filter
// separably, one axis at a time, instead of convolving with the dense kernel.
struct Kernel {
    Kernel() = default;
    Kernel(torch::Tensor dense_) : dense(std::move(dense_)) {}  // NOLINT: any dense tensor is a kernel
    torch::Tensor dense;     // (1, 1, kh, kw) float32
    torch::Tensor col, row;  // (kh) and (kw) float32; undefined for a kernel that is not separable
    bool separable() const { return col.defined(); }
};

// `box_r<R>`: (2R+1)^2 taps, each 1/(2R+1)^2.
Kernel make_box_kernel(int64_t radius);
// Sampled Normal pdf exp(-t²/2σ²)/(√(2π)σ) at integer offsets |t| <= int(truncate·σ + 0.5), outer product
// of two such 1-D kernels. Deliberately NOT renormalised (upstream quirk, spec §12 item 11).
Kernel make_gaussian_kernel(double sigma, double truncate = 4.0);
// Registry lookup: `box_r<R>` or `gau_r<R>` (σ = R/4, truncate 4, so the radius is R again).
// Unknown names are a UserError listing the accepted forms.
Kernel make_kernel(const std::string& name);

// Normalisation applied once at construction: sum, abssum, possum, negsum, maxsum or none.
// Unknown modes and a zero divisor (e.g. negsum of an all-positive kernel) are UserErrors.
torch::Tensor normalize_kernel(const torch::Tensor& kernel, const std::string& mode);
// The same divisor applied to the dense kernel and to one of its factors (the row), so it stays separable.
Kernel normalize_kernel(const Kernel& kernel, const std::string& mode);

// Throws std::invalid_argument unless `kernel` is a 4-D (1, 1, kh, kw) tensor with odd kh and kw.
void check_kernel(const torch::Tensor& kernel);

}  // namespace disent::losses
