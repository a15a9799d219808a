#pragma once
// AnnealedVAE (Burgess et al. 2018, as disentanglement_lib implements it): recon + γ·|KL − C| with the
// capacity C growing linearly from 0 to c_max over iteration_threshold steps.
#include "frameworks/vae.hpp"

namespace disent::frameworks {

class AnnealedVae : public BetaVae {
public:
    AnnealedVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override { return {"recon_loss", "kl_loss", "capacity", "reg_loss"}; }
    // C at a number of completed steps: min(c_max, c_max · step / iteration_threshold).
    double capacity(int64_t step) const;

protected:
    torch::Tensor reg_loss(Step& s) override;
};

}  // namespace disent::frameworks
