#pragma once
// TAE and TVAE (spec §1.10): an autoencoder / β-VAE on triplets (anchor, positive, negative) whose
// extra "aug" term pulls the anchor's code towards the positive and away from the negative:
// aug = triplet_scale · triplet(z_a, z_p, z_n) on the raw codes (TAE) or the posterior means (TVAE).
#include "frameworks/ae.hpp"
#include "frameworks/triplet_loss.hpp"
#include "frameworks/vae.hpp"

namespace disent::frameworks {

class TripletAe : public Ae {
public:
    TripletAe(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override { return {"recon_loss", "aug_loss"}; }

protected:
    torch::Tensor aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                           LossTerms& out) override;
};

class TripletVae : public BetaVae {
public:
    TripletVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override { return {"recon_loss", "kl_loss", "reg_loss", "aug_loss"}; }

protected:
    torch::Tensor aug_loss(Step& s) override;
};

// Throws std::logic_error unless there are exactly `n` observations (the sampler feeds the input mode).
void require_observations(const std::vector<torch::Tensor>& obs, size_t n, const std::string& framework);

}  // namespace disent::frameworks
