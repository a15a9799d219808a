#pragma once
// VAE and β-VAE (spec §1.3, §1.4): loss = recon + β·KL(q(z|x) ‖ N(0, I)), each term reduced per
// loss_reduction and averaged over observations. Ada-GVAE derives from this and rewrites posteriors.
#include "frameworks/framework.hpp"
#include "losses/kl.hpp"

namespace disent::frameworks {

class BetaVae : public Framework {
public:
    // beta = 1 for the plain `vae`.
    BetaVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params, double beta);
    LossTerms training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) override;
    torch::Tensor encode(const torch::Tensor& x) override;  // posterior mean
    std::vector<std::string> term_names() const override;
    double beta() const { return beta_; }
    void set_beta(double b) { beta_ = b; }
    // Posterior of each observation (exposed for analyses and tests).
    losses::NormalPosterior posterior(const torch::Tensor& x);

protected:
    // Hook: may replace the posteriors (Ada-GVAE averaging); returns extra log terms.
    virtual std::vector<std::pair<std::string, torch::Tensor>> intercept_posteriors(std::vector<losses::NormalPosterior>& qs) {
        return {};
    }
    torch::Tensor kl_term(const losses::NormalPosterior& q, const torch::Tensor& z) const;

    double beta_;
    std::string kl_mode_;
    bool disable_reg_loss_;
};

ParamTable vae_params();  // base_params + kl_loss_mode + disable_reg_loss

}  // namespace disent::frameworks
