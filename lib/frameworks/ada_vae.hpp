#pragma once
// Ada-GVAE / Ada-ML-VAE (spec §1.5): for each pair, latent dims whose posteriors differ least are
// treated as shared and replaced by an average of the two posteriors before sampling.
#include "frameworks/vae.hpp"

namespace disent::frameworks {

struct AdaOptions {
    std::string average_mode = "gvae";         // gvae | ml-vae | gvae_paper
    std::string thresh_mode = "symmetric_kl";  // kl | symmetric_kl | dist | sampled_dist
    double thresh_ratio = 0.5;
};

// Per-pair deltas (B, Z) between two posteriors.
torch::Tensor ada_deltas(const losses::Posterior& q0, const losses::Posterior& q1, const std::string& mode);
// Shared mask (B, Z): delta < min + ratio·(max − min) per pair (strict; all-equal → nothing shared).
torch::Tensor ada_shared_mask(const torch::Tensor& deltas, double ratio);
// Replaces the shared dims of both posteriors by their average; returns the shared mask.
torch::Tensor ada_average(losses::Posterior& q0, losses::Posterior& q1, const AdaOptions& opt);

class AdaVae : public BetaVae {
public:
    AdaVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override;
    bool graph_capturable() const override { return true; }

protected:
    void intercept_posteriors(std::vector<losses::Posterior>& qs, LossTerms& out) override;

private:
    AdaOptions opt_;
};

}  // namespace disent::frameworks
