#pragma once
// Latent distributions and KL divergences (spec §3). Elementwise over (B, Z); reduce with reduce_loss.
#include <torch/torch.h>

#include <string>

namespace disent::losses {

// KL(N(mu1, sigma1) ‖ N(mu2, sigma2)) = ½[(σ1/σ2)² + ((μ1−μ2)/σ2)² − 1 − log (σ1/σ2)²], elementwise.
torch::Tensor kl_normal_normal(const torch::Tensor& mu1, const torch::Tensor& sigma1, const torch::Tensor& mu2,
                               const torch::Tensor& sigma2);
// KL(N(μ, exp(½·logvar)) ‖ N(0, 1)) = ½(σ² + μ² − 1 − log σ²), elementwise; uses logvar directly.
torch::Tensor kl_normal_std(const torch::Tensor& mu, const torch::Tensor& logvar);
// log N(x; μ, σ) = −(x−μ)²/(2σ²) − log σ − ½ log 2π, elementwise.
torch::Tensor normal_log_prob(const torch::Tensor& x, const torch::Tensor& mu, const torch::Tensor& sigma);
// KL(L(a1, b1) ‖ L(a2, b2)) = −log(b1/b2) + |a1−a2|/b2 + (b1/b2)·exp(−|a1−a2|/b1) − 1, elementwise.
torch::Tensor kl_laplace_laplace(const torch::Tensor& a1, const torch::Tensor& b1, const torch::Tensor& a2,
                                 const torch::Tensor& b2);
// log L(x; a, b) = −log(2b) − |x − a|/b, elementwise.
torch::Tensor laplace_log_prob(const torch::Tensor& x, const torch::Tensor& a, const torch::Tensor& b);

// `latent_distribution` of the VAE frameworks (spec §3.1, §3.2).
enum class LatentKind { Normal, Laplace };
LatentKind parse_latent_kind(const std::string& name);  // "normal" | "laplace"; UserError otherwise

// `kl_loss_mode` (spec §3.3): direct (= direct_reverse) and approx (= approx_reverse) estimate KL(q ‖ p);
// *_forward KL(p ‖ q); *_symmetric the mean of both. approx uses the training sample z; approx_forward a
// fresh prior sample (disent's evaluates at the posterior sample: see Posterior::approx_forward).
enum class KlMode { Direct, DirectForward, DirectSymmetric, Approx, ApproxForward, ApproxSymmetric };
KlMode parse_kl_mode(const std::string& name);

// Diagonal posterior q(z|x) from a VAE encoder output, split in half along the last dim: [loc | raw].
// Normal: raw = log σ²; Laplace: raw = log scale. The prior is the standard distribution of the same kind.
// An aggregate {mu, logvar[, kind]}, so a hand-made Normal posterior is one line.
struct Posterior {
    torch::Tensor mu;      // location: the deterministic representation
    torch::Tensor logvar;  // Normal: log σ²; Laplace: log b
    LatentKind kind = LatentKind::Normal;

    static Posterior from_encoder_output(const torch::Tensor& z_raw, LatentKind kind = LatentKind::Normal);

    // Normal: σ = exp(½·logvar) (no clamping, no epsilon); Laplace: b = exp(log b).
    torch::Tensor scale() const { return kind == LatentKind::Normal ? torch::exp(0.5 * logvar) : torch::exp(logvar); }
    torch::Tensor sigma() const { return scale(); }
    // Normal: σ²; Laplace: 2b² (what DIP-VAE and β-TCVAE use for either kind, spec §3.2).
    torch::Tensor variance() const { return kind == LatentKind::Normal ? torch::exp(logvar) : 2.0 * torch::exp(2.0 * logvar); }
    // Reparameterised sample from torch's global generator, differentiable in both parameters.
    // Normal: μ + σ·ε; Laplace (torch semantics): u ~ U(eps − 1, 1), z = a − b·sign(u)·log1p(−|u|).
    torch::Tensor rsample() const;
    torch::Tensor log_prob(const torch::Tensor& z) const;
    torch::Tensor prior_log_prob(const torch::Tensor& z) const;
    // Analytic KL(q ‖ prior) and KL(prior ‖ q), elementwise (B, Z).
    torch::Tensor kl_to_prior() const;
    torch::Tensor kl_from_prior() const;
    torch::Tensor kl_to_std_normal() const { return kl_to_prior(); }
    // A sample of the prior (no gradient needed) and the single-sample KL(p ‖ q) estimate at it.
    torch::Tensor sample_prior() const;
    torch::Tensor approx_forward() const;
    // Elementwise KL of the chosen mode; `z` is the training sample (used by the approx modes).
    torch::Tensor kl(KlMode mode, const torch::Tensor& z) const;
};

}  // namespace disent::losses
