#pragma once
// InfoVAE / MMD-VAE (spec §1.8): VAE whose regulariser mixes the KL with the maximum mean discrepancy
// between posterior samples and prior samples. No β; requires loss_reduction=mean.
#include "frameworks/vae.hpp"

namespace disent::frameworks {

// MMD² estimate with an RBF kernel exp(−‖x − y‖² / (2·z_var·Z)): unbiased k̄(p,p) and k̄(q,q) (off-diagonal
// means), plain mean for k̄(p,q).
torch::Tensor mmd_rbf(const torch::Tensor& p, const torch::Tensor& q, double z_var);

class InfoVae : public BetaVae {
public:
    InfoVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override { return {"recon_loss", "kl_loss", "mmd_loss", "reg_loss"}; }

protected:
    torch::Tensor reg_loss(Step& s) override;
};

}  // namespace disent::frameworks
