#include "frameworks/ada_ae.hpp"

#include "frameworks/ada_vae.hpp"

namespace disent::frameworks {

torch::Tensor ada_code_shared_mask(const torch::Tensor& z0, const torch::Tensor& z1, double ratio) {
    return ada_shared_mask((z0 - z1).abs().detach(), ratio);
}

void AdaAe::intercept_latents(std::vector<torch::Tensor>& zs, LossTerms& out) {
    if (zs.size() != 2) throw std::logic_error("ada_ae needs pairs of observations");
    torch::Tensor shared = ada_code_shared_mask(zs[0], zs[1], param("ada_thresh_ratio"));
    torch::Tensor ave = 0.5 * (zs[0] + zs[1]);
    zs[0] = torch::where(shared, ave, zs[0]);
    zs[1] = torch::where(shared, ave, zs[1]);
    out.terms.emplace_back("shared", shared.to(torch::kFloat).sum(-1).mean().detach());
}

}  // namespace disent::frameworks
