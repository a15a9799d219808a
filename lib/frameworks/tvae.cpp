#include "frameworks/tvae.hpp"

namespace disent::frameworks {

void require_observations(const std::vector<torch::Tensor>& obs, size_t n, const std::string& framework) {
    if (obs.size() != n)
        throw std::logic_error(framework + " needs " + std::to_string(n) + " observations per sample, got " +
                               std::to_string(obs.size()));
}

TripletAe::TripletAe(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : Ae(std::move(model), std::move(recon), params) {
    triplet_config(params_);  // reject a bad variant before training
}

torch::Tensor TripletAe::aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                                  LossTerms& out) {
    require_observations(zs, 3, "tae");
    // disent also logs this value as "<triplet_loss>_L<p>"; one stable column name is kept instead
    torch::Tensor aug = configured_triplet(zs[0], zs[1], zs[2], triplet_config(params_));
    out.terms.emplace_back("aug_loss", aug.detach());
    return aug;
}

TripletVae::TripletVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params) {
    triplet_config(params_);
}

torch::Tensor TripletVae::aug_loss(Step& s) {
    require_observations(s.targets, 3, "tvae");
    // on the posterior means (the deterministic representation), not on the samples
    torch::Tensor aug = configured_triplet(s.qs[0].mu, s.qs[1].mu, s.qs[2].mu, triplet_config(params_));
    s.out.terms.emplace_back("aug_loss", aug.detach());
    return aug;
}

}  // namespace disent::frameworks
