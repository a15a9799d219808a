#pragma once
// VAE and β-VAE (spec §1.3, §1.4): loss = recon + β·KL(q(z|x) ‖ p(z)), each term reduced per
// loss_reduction and averaged over observations. The rest of the VAE family derives from BetaVae and
// changes one of its hooks: the posteriors (Ada-GVAE), the reconstruction term (DFC-VAE), the
// regulariser (β-TCVAE, DIP-VAE, InfoVAE, FactorVAE, AnnealedVAE) or an extra "aug" term (triplets).
#include "frameworks/framework.hpp"
#include "losses/kl.hpp"

namespace disent::frameworks {

class BetaVae : public Framework {
public:
    // has_beta = false for the plain `vae` (β = 1) and for InfoVAE (no β field).
    BetaVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params, bool has_beta = true);
    torch::Tensor encode(const torch::Tensor& x) override;  // posterior location
    std::vector<std::string> term_names() const override;
    double beta() const { return has_beta_ ? param("beta") : 1.0; }
    // Posterior of one observation (exposed for analyses and tests).
    losses::Posterior posterior(const torch::Tensor& x);
    losses::LatentKind latent_kind() const { return latent_; }
    // Subclasses opt in themselves (their hooks may read the host or change between steps).
    bool graph_capturable() const override { return typeid(*this) == typeid(BetaVae); }

protected:
    // Everything one step has computed so far, handed to the hooks.
    struct Step {
        const std::vector<torch::Tensor>& xs;
        const std::vector<torch::Tensor>& targets;
        std::vector<losses::Posterior> qs;  // after intercept_posteriors
        std::vector<torch::Tensor> zs;      // reparameterised samples
        std::vector<torch::Tensor> partials;  // un-activated reconstructions
        LossTerms& out;
    };
    LossTerms compute_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) override;
    // May replace the posteriors (Ada-GVAE averaging); pushes its log terms into `out`.
    virtual void intercept_posteriors(std::vector<losses::Posterior>& qs, LossTerms& out) {}
    // Reconstruction term; default: mean over observations of the reduced recon loss.
    virtual torch::Tensor recon_loss(Step& s);
    // Regularisation term; default β · mean over observations of the reduced KL (pushes kl_loss).
    virtual torch::Tensor reg_loss(Step& s);
    // Extra "aug" term (undefined: none); pushes "aug_loss" and its own terms.
    virtual torch::Tensor aug_loss(Step& s) { return {}; }

    // Mean over observations of the reduced KL of the configured mode; pushes "kl_loss".
    torch::Tensor mean_kl(Step& s);
    torch::Tensor kl_term(const losses::Posterior& q, const torch::Tensor& z) const;

    bool has_beta_;
    losses::LatentKind latent_;
    losses::KlMode kl_mode_;
    bool disable_reg_loss_;
};

ParamTable vae_params();  // base_params + latent_distribution, kl_loss_mode, disable_reg_loss
ParamSpec beta_param(const std::string& def);

}  // namespace disent::frameworks
