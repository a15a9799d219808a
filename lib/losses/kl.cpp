#include "losses/kl.hpp"

#include <cmath>
#include <stdexcept>

namespace disent::losses {

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
    const double half_log_2pi = 0.5 * std::log(2.0 * 3.14159265358979323846);
    return -(x - mu).square() / (2 * sigma.square()) - torch::log(sigma) - half_log_2pi;
}

NormalPosterior NormalPosterior::from_encoder_output(const torch::Tensor& z_raw) {
    if (z_raw.dim() < 1 || z_raw.size(-1) % 2 != 0)
        throw std::invalid_argument("NormalPosterior: encoder output's last dim must be even (μ | logvar), got " +
                                    c10::str(z_raw.sizes()));
    const auto parts = z_raw.chunk(2, -1);
    return NormalPosterior{parts[0], parts[1]};
}

torch::Tensor NormalPosterior::rsample() const { return mu + sigma() * torch::randn_like(mu); }

}  // namespace disent::losses
