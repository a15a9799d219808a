#pragma once
// FactorVAE (Kim & Mnih 2018, as disentanglement_lib implements it): VAE + γ·TC, where the total
// correlation is estimated by a discriminator telling codes from codes whose dimensions were shuffled
// independently across the batch. The discriminator is trained by its own Adam on the same batch.
#include "frameworks/vae.hpp"

namespace disent::frameworks {

// Permutes every latent dimension independently across the batch (torch's RNG): samples of Π_l q(z_l).
torch::Tensor shuffle_codes(const torch::Tensor& z);

class FactorVae : public BetaVae {
public:
    FactorVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override {
        return {"recon_loss", "kl_loss", "tc_loss", "disc_loss", "reg_loss"};
    }
    void aux_update(const torch::Tensor& aux_loss) override;
    void save_aux(torch::serialize::OutputArchive& archive) const override;
    void load_aux(torch::serialize::InputArchive& archive) override;
    bool has_aux() const override { return true; }
    torch::nn::Sequential& discriminator() { return disc_; }

protected:
    torch::Tensor reg_loss(Step& s) override;

private:
    torch::nn::Sequential disc_;
    std::unique_ptr<torch::optim::Adam> disc_opt_;
};

}  // namespace disent::frameworks
