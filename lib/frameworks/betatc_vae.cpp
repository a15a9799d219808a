#include "frameworks/betatc_vae.hpp"

#include <cmath>

namespace disent::frameworks {

torch::Tensor total_correlation(const torch::Tensor& z, const torch::Tensor& mu, const torch::Tensor& logvar) {
    const double log_2pi = std::log(2.0 * 3.14159265358979323846);
    const auto zj = z.unsqueeze(1);                                // (B_j, 1, Z)
    const auto mi = mu.unsqueeze(0), lv = logvar.unsqueeze(0);     // (1, B_i, Z)
    const auto log_q = -0.5 * ((zj - mi).square() * torch::exp(-lv) + lv + log_2pi);  // (B_j, B_i, Z)
    const auto log_qz = torch::logsumexp(log_q.sum(2), 1);         // log q(z_j)
    const auto log_prod = torch::logsumexp(log_q, 1).sum(1);       // log Π_l q(z_jl)
    return (log_qz - log_prod).mean();
}

BetaTcVae::BetaTcVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params), disent_weights_(params.get_string("tc_mode") == "disent") {}

torch::Tensor BetaTcVae::reg_loss(Step& s) {
    const torch::Tensor kl = mean_kl(s);
    std::vector<torch::Tensor> tcs;
    for (size_t i = 0; i < s.qs.size(); ++i) tcs.push_back(total_correlation(s.zs[i], s.qs[i].mu, torch::log(s.qs[i].variance())));
    const torch::Tensor tc = torch::stack(tcs).mean();
    s.out.terms.emplace_back("tc_loss", tc.detach());
    const double b = beta();
    if (disent_weights_) return b * kl + (b - 1.0) * tc;
    // Chen et al.: KL + (β_tc − 1)·TC, in the units of the configured reduction. TC is a per-sample sum
    // over latents (like the mean_sum KL), so under `mean` it is divided by Z as the KL is; β scales the
    // whole regulariser as for β-VAE.
    const double per_unit = reduction_ == losses::Reduction::Mean ? 1.0 / static_cast<double>(s.zs[0].size(-1)) : 1.0;
    return b * kl + b * (param("tc_beta") - 1.0) * per_unit * tc;
}

}  // namespace disent::frameworks
