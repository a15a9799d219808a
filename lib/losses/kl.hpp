#pragma once
// Latent distributions and KL divergences (spec §3). Elementwise over (B, Z); reduce with reduce_loss.
#include <torch/torch.h>

namespace disent::losses {

// KL(N(mu1, sigma1) ‖ N(mu2, sigma2)) = ½[(σ1/σ2)² + ((μ1−μ2)/σ2)² − 1 − log (σ1/σ2)²], elementwise.
torch::Tensor kl_normal_normal(const torch::Tensor& mu1, const torch::Tensor& sigma1, const torch::Tensor& mu2,
                               const torch::Tensor& sigma2);
// KL(N(μ, exp(½·logvar)) ‖ N(0, 1)) = ½(σ² + μ² − 1 − log σ²), elementwise; uses logvar directly.
torch::Tensor kl_normal_std(const torch::Tensor& mu, const torch::Tensor& logvar);
// log N(x; μ, σ) = −(x−μ)²/(2σ²) − log σ − ½ log 2π, elementwise.
torch::Tensor normal_log_prob(const torch::Tensor& x, const torch::Tensor& mu, const torch::Tensor& sigma);

// Diagonal Normal posterior q(z|x) from a VAE encoder output [μ | logvar] (spec §3.1).
struct NormalPosterior {
    torch::Tensor mu;
    torch::Tensor logvar;

    // Splits the last dim of a (B, 2Z) encoder output in half: first μ, then logvar.
    static NormalPosterior from_encoder_output(const torch::Tensor& z_raw);

    torch::Tensor sigma() const { return torch::exp(0.5 * logvar); }  // no clamping, no epsilon
    torch::Tensor variance() const { return torch::exp(logvar); }
    // Reparameterised sample μ + σ·ε, ε ~ N(0, 1) from torch's global generator; differentiable in μ, logvar.
    torch::Tensor rsample() const;
    torch::Tensor log_prob(const torch::Tensor& z) const { return normal_log_prob(z, mu, sigma()); }
    // Analytic KL(q ‖ N(0, 1)), elementwise (B, Z).
    torch::Tensor kl_to_std_normal() const { return kl_normal_std(mu, logvar); }
};

}  // namespace disent::losses
