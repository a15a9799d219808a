#include "frameworks/dip_vae.hpp"

namespace disent::frameworks {

torch::Tensor dip_covariance(const torch::Tensor& mu, const torch::Tensor& var, const std::string& mode) {
    const auto b = static_cast<double>(mu.size(0));
    const auto m = mu.mean(0, /*keepdim=*/true);                      // (1, Z)
    torch::Tensor cov = mu.t().matmul(mu) / b - m.t().matmul(m);     // E[μμᵀ] − E[μ]E[μ]ᵀ (ddof 0)
    if (mode == "i") return cov;
    if (mode == "ii") return cov + torch::diag(var.mean(0));
    // "ii_disent": disent takes the diagonal of the (B, Z) variance matrix and adds its mean everywhere
    return cov + torch::diagonal(var).mean();
}

DipVae::DipVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params), mode_(params.get_string("dip_mode")) {}

torch::Tensor DipVae::reg_loss(Step& s) {
    const torch::Tensor kl = mean_kl(s);
    std::vector<torch::Tensor> ds, ods;
    for (const auto& q : s.qs) {
        const torch::Tensor c = dip_covariance(q.mu, q.variance(), mode_);
        const torch::Tensor diag = torch::diagonal(c);
        ds.push_back((diag - 1).square().sum());
        ods.push_back(c.square().sum() - diag.square().sum());
    }
    const torch::Tensor d = torch::stack(ds).mean(), od = torch::stack(ods).mean();
    const torch::Tensor dip = param("lambda_d") * d + param("lambda_od") * od;
    s.out.terms.emplace_back("dip_loss_d", d.detach());
    s.out.terms.emplace_back("dip_loss_od", od.detach());
    s.out.terms.emplace_back("dip_loss", dip.detach());
    return beta() * kl + param("dip_beta") * dip;
}

}  // namespace disent::frameworks
