#pragma once
// Ada-AE (spec §1.12): the Ada-GVAE idea on a plain autoencoder. For each pair, latent dims whose codes
// differ least (|z0 − z1| below the Ada threshold of §1.5) are treated as shared and both codes take
// their mean (z0 + z1)/2 there before decoding. No extra loss term.
#include "frameworks/ae.hpp"

namespace disent::frameworks {

// Shared mask (B, Z) of two code batches from |z0 − z1| (not differentiated: it only selects dims).
torch::Tensor ada_code_shared_mask(const torch::Tensor& z0, const torch::Tensor& z1, double ratio);

class AdaAe : public Ae {
public:
    using Ae::Ae;
    std::vector<std::string> term_names() const override { return {"recon_loss", "shared"}; }

protected:
    void intercept_latents(std::vector<torch::Tensor>& zs, LossTerms& out) override;
};

}  // namespace disent::frameworks
