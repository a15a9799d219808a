#pragma once
// Reconstruction losses (spec §2.1/§2.2). A loss owns the decoder's final activation: the decoder emits
// the un-activated ("partial") output, `activate` turns it into an image, and training computes the loss
// from the partial output so that logits-based losses can use numerically stable forms.
// Losses are plain classes, not modules: any buffers they hold (kernels) never receive gradients.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "losses/reduction.hpp"

namespace disent::losses {

class ReconLoss {
public:
    virtual ~ReconLoss() = default;

    // Registry name, e.g. "mse" or "mse_box_r31_l1.0_k3969.0_norm_sum".
    virtual std::string name() const = 0;
    // Final decoder activation (identity or sigmoid).
    virtual torch::Tensor activate(const torch::Tensor& x_partial) const = 0;
    // Elementwise loss between an ACTIVATED reconstruction and the target; same shape as the inputs.
    virtual torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const = 0;
    // Elementwise loss from the partial (un-activated) output; the training path. Default: activate first.
    virtual torch::Tensor unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const;
    // Moves buffers (kernels) to a device. Plain losses have none.
    virtual void to(torch::Device device) {}

    // Training loss: unreduced_from_partial reduced per §1.1 to a scalar.
    torch::Tensor compute(const torch::Tensor& x_partial, const torch::Tensor& x, Reduction reduction) const;
    // Per-sample "perceived distance" between two ACTIVATED batches (B, C, H, W): mean (or sum) over all
    // non-batch dims of unreduced(x_a, x_b). Returns shape (B).
    torch::Tensor pairwise(const torch::Tensor& x_a, const torch::Tensor& x_b, bool mean = true) const;
};

// Throws std::invalid_argument unless the two tensors have exactly the same shape (no broadcasting).
void check_same_shape(const torch::Tensor& a, const torch::Tensor& b, const std::string& what);

// ---- plain losses --------------------------------------------------------------------------------

// (x̂ − x)², identity activation.
class MseLoss : public ReconLoss {
public:
    std::string name() const override { return "mse"; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return x_partial; }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
};

// |x̂ − x|, identity activation.
class MaeLoss : public ReconLoss {
public:
    std::string name() const override { return "mae"; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return x_partial; }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
};

// Binary cross-entropy with sigmoid activation. Activated form = torch BCE (logs clamped at -100);
// training form = BCE-with-logits max(y,0) − y·x + log(1 + exp(−|y|)).
class BceLoss : public ReconLoss {
public:
    std::string name() const override { return "bce"; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return torch::sigmoid(x_partial); }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
    torch::Tensor unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const override;
};

// −log Bernoulli(x) with sigmoid activation. Training form equals BCE-with-logits; the activated form
// follows torch's Bernoulli(probs=p): p clamped to [eps, 1−eps] (float32 eps) and turned into logits.
class BernoulliLoss : public ReconLoss {
public:
    std::string name() const override { return "bernoulli"; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return torch::sigmoid(x_partial); }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
    torch::Tensor unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const override;
};

// −log ContinuousBernoulli(x) with sigmoid activation (torch semantics) and disent's wider Taylor region
// (0.49, 0.51) around λ = ½ for the log normaliser. Training form from logits; activated form clamps p
// to [eps, 1−eps] as torch's probs constructor does.
class ContinuousBernoulliLoss : public ReconLoss {
public:
    std::string name() const override { return "c_bernoulli"; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return torch::sigmoid(x_partial); }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
    torch::Tensor unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const override;
};

// −log N(x; x̂, 1) = ½(x̂ − x)² + ½ log 2π, identity activation.
class NormalLoss : public ReconLoss {
public:
    std::string name() const override { return "normal"; }
    torch::Tensor activate(const torch::Tensor& x_partial) const override { return x_partial; }
    torch::Tensor unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const override;
};

// log C(λ) of the continuous Bernoulli, elementwise; Taylor expansion for λ in (lo, hi].
torch::Tensor continuous_bernoulli_log_norm(const torch::Tensor& probs, double lo = 0.49, double hi = 0.51);

// BCE-with-logits elementwise, stable for any logits y (shared by bce and bernoulli).
torch::Tensor bce_with_logits(const torch::Tensor& y, const torch::Tensor& x);

// A plain loss by name (mse, mae, bce, bernoulli); UserError otherwise.
std::unique_ptr<ReconLoss> make_plain_recon_loss(const std::string& name);
// Any reconstruction loss by name, plain or augmented (grammar in recon_loss_name.hpp); UserError otherwise.
std::unique_ptr<ReconLoss> make_recon_loss(const std::string& name);

}  // namespace disent::losses
