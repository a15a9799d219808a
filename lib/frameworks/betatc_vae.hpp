#pragma once
// β-TCVAE (spec §1.6): β-VAE plus a minibatch estimate of the total correlation of q(z).
#include "frameworks/vae.hpp"

namespace disent::frameworks {

// TC = mean_j [log q(z_j) − log Π_l q(z_jl)] with log q(z_j|x_i) evaluated for every pair (j, i) of the
// batch under Gaussians of the given means and log-variances; the dataset-size constants of the
// minibatch-weighted estimator are omitted as in disent (a constant offset). A per-batch scalar.
torch::Tensor total_correlation(const torch::Tensor& z, const torch::Tensor& mu, const torch::Tensor& logvar);

class BetaTcVae : public BetaVae {
public:
    BetaTcVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override { return {"recon_loss", "kl_loss", "tc_loss", "reg_loss"}; }

protected:
    torch::Tensor reg_loss(Step& s) override;

private:
    bool disent_weights_;  // tc_mode=disent: the original (β − 1)·TC with the normalised β
};

}  // namespace disent::frameworks
