#include "frameworks/ae.hpp"

namespace disent::frameworks {

LossTerms Ae::training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) {
    std::vector<torch::Tensor> partials;
    for (const auto& x : xs) {
        torch::Tensor z = model_->encode(x);
        partials.push_back(model_->decode(detach_decoder_ ? z.detach() : z));
    }
    torch::Tensor recon = recon_term(partials, targets);
    torch::Tensor loss = disable_rec_loss_ ? torch::zeros_like(recon) : recon;
    return {loss, {{"recon_loss", recon.detach()}}};
}

}  // namespace disent::frameworks
