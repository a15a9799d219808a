#pragma once
// Augmented ("kernel") reconstruction loss (spec §2.3, paper §3.2):
//   L(x̂, x) = w_l · ℓ(x̂, x) + w_k · ℓ(K∗x̂, K∗x)   elementwise,
// where ℓ is the wrapped plain loss's ACTIVATED elementwise loss and K∗ a fixed channel-wise convolution.
// The paper's box-blur loss is mse_box_r31_l1.0_k3969.0: it penalises how far apart two images are
// after blurring, so a small shift of an object costs less than a large one.
#include "losses/kernel.hpp"
#include "losses/recon_loss.hpp"

namespace disent::losses {

class AugmentedReconLoss : public ReconLoss {
public:
    // `kernel` is normalised with `normalize_mode` once here; weights must be >= 0 and the wrapped loss
    // must not itself be augmented (nesting is forbidden). `name` is what name() reports. A separable
    // kernel (box, Gaussian) is applied one axis at a time, any other one by FFT convolution.
    AugmentedReconLoss(std::unique_ptr<ReconLoss> base, const Kernel& kernel, double w_l, double w_k,
                       const std::string& normalize_mode, std::string name);

    std::string name() const override { return name_; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return base_->activate(x_partial); }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
    // Always activate first, then use the wrapped loss's activated form (as upstream does).
    torch::Tensor unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const override;
    void to(torch::Device device) override;

    const ReconLoss& base() const { return *base_; }
    const torch::Tensor& kernel() const { return kernel_.dense; }
    bool separable() const { return kernel_.separable(); }
    // K∗t, channel-wise, "same" size, zero padded.
    torch::Tensor blur(const torch::Tensor& t) const;
    double w_l() const { return w_l_; }
    double w_k() const { return w_k_; }

private:
    std::unique_ptr<ReconLoss> base_;
    Kernel kernel_;  // float32 buffers (dense and, when separable, its factors), requires_grad = false
    double w_l_, w_k_;
    std::string name_;
};

}  // namespace disent::losses
