#include "frameworks/ae.hpp"

namespace disent::frameworks {

LossTerms Ae::compute_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) {
    LossTerms out;
    std::vector<torch::Tensor> zs;
    for (const auto& x : xs) zs.push_back(model_->encode(x));
    intercept_latents(zs, out);
    std::vector<torch::Tensor> partials;
    for (const auto& z : zs) partials.push_back(model_->decode(detach_decoder_ ? z.detach() : z));
    torch::Tensor recon = recon_term(partials, targets);
    torch::Tensor aug = aug_loss(zs, targets, out);
    torch::Tensor loss = disable_rec_loss_ ? torch::zeros_like(recon) : recon;
    if (aug.defined() && !disable_aug_loss_) loss = loss + aug;
    out.loss = loss;
    out.terms.emplace_back("recon_loss", recon.detach());
    return out;
}

}  // namespace disent::frameworks
