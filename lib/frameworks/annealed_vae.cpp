#include "frameworks/annealed_vae.hpp"

#include <algorithm>

namespace disent::frameworks {

AnnealedVae::AnnealedVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params, /*has_beta=*/false) {}

double AnnealedVae::capacity(int64_t step) const {
    const double c_max = param("c_max");
    return std::min(c_max, c_max * static_cast<double>(step) / param("iteration_threshold"));
}

torch::Tensor AnnealedVae::reg_loss(Step& s) {
    const torch::Tensor kl = mean_kl(s);
    const double c = capacity(step_);
    s.out.terms.emplace_back("capacity", torch::full({}, c, kl.options()));
    return param("gamma") * (kl - c).abs();
}

}  // namespace disent::frameworks
