#include "frameworks/info_vae.hpp"

#include "core/error.hpp"

namespace disent::frameworks {

torch::Tensor mmd_rbf(const torch::Tensor& p, const torch::Tensor& q, double z_var) {
    const auto b = static_cast<double>(p.size(0));
    const double scale = 2.0 * z_var * static_cast<double>(p.size(1));
    auto k = [&](const torch::Tensor& x, const torch::Tensor& y) {
        return torch::exp(-(x.unsqueeze(1) - y.unsqueeze(0)).square().sum(-1) / scale);
    };
    auto unbiased = [&](const torch::Tensor& m) { return (m.sum() - torch::diagonal(m).sum()) / (b * (b - 1)); };
    return unbiased(k(p, p)) - 2.0 * k(p, q).mean() + unbiased(k(q, q));
}

InfoVae::InfoVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params, /*has_beta=*/false) {
    // kept from disent (spec §12.5): maintain_reg_ratio's Z / (C·H·W) is the `mean` normalisation
    if (reduction_ != losses::Reduction::Mean)
        throw UserError("key 'framework.loss_reduction' is '" + params.get_string("loss_reduction") +
                        "' but framework 'info_vae' requires mean (its regulariser weights assume it)");
}

torch::Tensor InfoVae::reg_loss(Step& s) {
    const torch::Tensor kl = mean_kl(s);
    std::vector<torch::Tensor> mmds;
    for (const auto& z : s.zs) mmds.push_back(mmd_rbf(torch::randn_like(z), z, param("z_var")));
    const torch::Tensor mmd = torch::stack(mmds).mean();
    s.out.terms.emplace_back("mmd_loss", mmd.detach());
    const auto& x = s.targets[0];
    const double w = params_.get_bool("maintain_reg_ratio")
                         ? static_cast<double>(s.zs[0].size(-1)) / static_cast<double>(x[0].numel())
                         : 1.0;
    const double alpha = param("info_alpha"), lambda = param("info_lambda");
    return w * (1 - alpha) * kl + w * (alpha + lambda - 1) * mmd;
}

}  // namespace disent::frameworks
