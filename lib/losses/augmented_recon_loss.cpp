#include "losses/augmented_recon_loss.hpp"

#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "losses/conv2d.hpp"
#include "losses/kernel.hpp"

namespace disent::losses {

AugmentedReconLoss::AugmentedReconLoss(std::unique_ptr<ReconLoss> base, const Kernel& kernel, double w_l,
                                       double w_k, const std::string& normalize_mode, std::string name)
    : base_(std::move(base)), w_l_(w_l), w_k_(w_k), name_(std::move(name)) {
    if (!base_) throw std::invalid_argument("AugmentedReconLoss: no wrapped loss");
    if (dynamic_cast<const AugmentedReconLoss*>(base_.get()))
        throw UserError("reconstruction loss '" + name_ + "': augmented losses cannot be nested");
    if (!(w_l >= 0.0) || !(w_k >= 0.0) || !std::isfinite(w_l) || !std::isfinite(w_k))
        throw UserError("reconstruction loss '" + name_ + "': weights must be finite and >= 0");
    check_kernel(kernel.dense);
    if (kernel.separable() && (kernel.col.numel() != kernel.dense.size(2) || kernel.row.numel() != kernel.dense.size(3)))
        throw std::invalid_argument("AugmentedReconLoss: the kernel's 1-D factors do not match its shape");
    // Fixed buffers: detached, float32, never part of any optimiser.
    Kernel k(kernel.dense.detach().to(torch::kFloat32).contiguous());
    if (kernel.separable()) {
        k.col = kernel.col.detach().to(torch::kFloat32).contiguous();
        k.row = kernel.row.detach().to(torch::kFloat32).contiguous();
    }
    kernel_ = normalize_kernel(k, normalize_mode);
}

torch::Tensor AugmentedReconLoss::blur(const torch::Tensor& t) const {
    return kernel_.separable() ? conv2d_channel_wise_separable(t, kernel_.col, kernel_.row)
                               : conv2d_channel_wise_fft(t, kernel_.dense);
}

torch::Tensor AugmentedReconLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, name_ + " loss");
    // Gradients flow through K∗x̂ into x̂; the kernel itself never gets one.
    auto loss = base_->unreduced(x_hat, x);
    if (w_l_ != 1.0) loss = loss * w_l_;
    auto aug = base_->unreduced(blur(x_hat), blur(x));
    return loss + aug * w_k_;
}

torch::Tensor AugmentedReconLoss::unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const {
    return unreduced(activate(x_partial), x);
}

void AugmentedReconLoss::to(torch::Device device) {
    kernel_.dense = kernel_.dense.to(device);
    if (kernel_.separable()) kernel_.col = kernel_.col.to(device), kernel_.row = kernel_.row.to(device);
    base_->to(device);
}

}  // namespace disent::losses
