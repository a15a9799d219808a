#include "losses/kl.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

namespace disent::losses {

namespace {
const double kHalfLog2Pi = 0.5 * std::log(2.0 * 3.14159265358979323846);
}

torch::Tensor kl_normal_normal(const torch::Tensor& mu1, const torch::Tensor& sigma1, const torch::Tensor& mu2,
                               const torch::Tensor& sigma2) {
    // Same arrangement as torch.distributions' _kl_normal_normal.
    const auto var_ratio = (sigma1 / sigma2).square();
    const auto t1 = ((mu1 - mu2) / sigma2).square();
    return 0.5 * (var_ratio + t1 - 1 - torch::log(var_ratio));
}

torch::Tensor kl_normal_std(const torch::Tensor& mu, const torch::Tensor& logvar) {
    return 0.5 * (torch::exp(logvar) + mu.square() - 1 - logvar);
}

torch::Tensor normal_log_prob(const torch::Tensor& x, const torch::Tensor& mu, const torch::Tensor& sigma) {
    return -(x - mu).square() / (2 * sigma.square()) - torch::log(sigma) - kHalfLog2Pi;
}

torch::Tensor kl_laplace_laplace(const torch::Tensor& a1, const torch::Tensor& b1, const torch::Tensor& a2,
                                 const torch::Tensor& b2) {
    // Same arrangement as torch.distributions' _kl_laplace_laplace.
    const auto scale_ratio = b1 / b2;
    const auto loc_abs_diff = (a1 - a2).abs();
    return -torch::log(scale_ratio) + loc_abs_diff / b2 + scale_ratio * torch::exp(-loc_abs_diff / b1) - 1;
}

torch::Tensor laplace_log_prob(const torch::Tensor& x, const torch::Tensor& a, const torch::Tensor& b) {
    return -torch::log(2 * b) - (x - a).abs() / b;
}

LatentKind parse_latent_kind(const std::string& name) {
    if (name == "normal") return LatentKind::Normal;
    if (name == "laplace") return LatentKind::Laplace;
    throw UserError("unknown latent_distribution '" + name + "', expected normal or laplace");
}

KlMode parse_kl_mode(const std::string& name) {
    if (name == "direct" || name == "direct_reverse") return KlMode::Direct;
    if (name == "direct_forward") return KlMode::DirectForward;
    if (name == "direct_symmetric") return KlMode::DirectSymmetric;
    if (name == "approx" || name == "approx_reverse") return KlMode::Approx;
    if (name == "approx_forward") return KlMode::ApproxForward;
    if (name == "approx_symmetric") return KlMode::ApproxSymmetric;
    throw UserError("unknown kl_loss_mode '" + name +
                    "', expected direct, direct_reverse, direct_forward, direct_symmetric, approx, approx_reverse, "
                    "approx_forward or approx_symmetric");
}

Posterior Posterior::from_encoder_output(const torch::Tensor& z_raw, LatentKind kind) {
    if (z_raw.dim() < 1 || z_raw.size(-1) % 2 != 0)
        throw std::invalid_argument("Posterior: encoder output's last dim must be even (μ | logvar), got " +
                                    c10::str(z_raw.sizes()));
    const auto parts = z_raw.chunk(2, -1);
    return Posterior{parts[0], parts[1], kind};
}

torch::Tensor Posterior::rsample() const {
    if (kind == LatentKind::Normal) return mu + sigma() * torch::randn_like(mu);
    const double eps = std::numeric_limits<float>::epsilon();
    torch::Tensor u = torch::rand_like(mu) * (1.0 - (eps - 1.0)) + (eps - 1.0);  // U(eps − 1, 1)
    return mu - scale() * u.sign() * torch::log1p(-u.abs());
}

torch::Tensor Posterior::log_prob(const torch::Tensor& z) const {
    return kind == LatentKind::Normal ? normal_log_prob(z, mu, sigma()) : laplace_log_prob(z, mu, scale());
}

torch::Tensor Posterior::prior_log_prob(const torch::Tensor& z) const {
    if (kind == LatentKind::Normal) return -0.5 * z.square() - kHalfLog2Pi;
    return -z.abs() - std::log(2.0);
}

torch::Tensor Posterior::kl_to_prior() const {
    if (kind == LatentKind::Normal) return kl_normal_std(mu, logvar);
    return kl_laplace_laplace(mu, scale(), torch::zeros_like(mu), torch::ones_like(mu));
}

torch::Tensor Posterior::kl_from_prior() const {
    if (kind == LatentKind::Normal) return kl_normal_normal(torch::zeros_like(mu), torch::ones_like(mu), mu, sigma());
    return kl_laplace_laplace(torch::zeros_like(mu), torch::ones_like(mu), mu, scale());
}

torch::Tensor Posterior::sample_prior() const {
    if (kind == LatentKind::Normal) return torch::randn_like(mu);
    const double eps = std::numeric_limits<float>::epsilon();
    torch::Tensor u = torch::rand_like(mu) * (1.0 - (eps - 1.0)) + (eps - 1.0);
    return -u.sign() * torch::log1p(-u.abs());
}

torch::Tensor Posterior::approx_forward() const {
    // A single-sample estimate of KL(p ‖ q) must sample from p. disent evaluates log p − log q at the
    // posterior sample instead, which estimates −KL(q ‖ p) (and makes approx_symmetric identically 0);
    // we use a fresh prior sample (docs/decisions.md).
    const torch::Tensor zp = sample_prior();
    return prior_log_prob(zp) - log_prob(zp);
}

torch::Tensor Posterior::kl(KlMode mode, const torch::Tensor& z) const {
    switch (mode) {
        case KlMode::Direct: return kl_to_prior();
        case KlMode::DirectForward: return kl_from_prior();
        case KlMode::DirectSymmetric: return 0.5 * kl_to_prior() + 0.5 * kl_from_prior();
        case KlMode::Approx: return log_prob(z) - prior_log_prob(z);
        case KlMode::ApproxForward: return approx_forward();
        case KlMode::ApproxSymmetric: return 0.5 * (log_prob(z) - prior_log_prob(z)) + 0.5 * approx_forward();
    }
    throw std::logic_error("unhandled KlMode");
}

}  // namespace disent::losses
