#pragma once
// DIP-VAE I and II (spec §1.7): β-VAE plus a penalty driving the covariance of the encoder's
// aggregate posterior towards the identity.
#include "frameworks/vae.hpp"

namespace disent::frameworks {

// The matrix DIP-VAE penalises, from posterior means (B, Z) and variances (B, Z):
// mode "i": Cov[μ]; "ii": Cov[μ] + diag(E[σ²]); "ii_disent": Cov[μ] + one scalar (the mean of the first
// min(B, Z) diagonal entries of the B×Z variance matrix) added to every entry, as disent computes it.
torch::Tensor dip_covariance(const torch::Tensor& mu, const torch::Tensor& var, const std::string& mode);

class DipVae : public BetaVae {
public:
    DipVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override {
        return {"recon_loss", "kl_loss", "dip_loss_d", "dip_loss_od", "dip_loss", "reg_loss"};
    }

protected:
    torch::Tensor reg_loss(Step& s) override;

private:
    std::string mode_;
};

}  // namespace disent::frameworks
