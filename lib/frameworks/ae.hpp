#pragma once
// Plain autoencoder (spec §1.2): loss = reconstruction only. The AE family (TAE, Ada-AE, Ada-NegTAE,
// DotAE) derives from it through two hooks: intercept_latents may replace the codes before decoding
// (Ada-AE averaging) and aug_loss adds a term computed from the codes (triplet losses).
#include "frameworks/framework.hpp"

namespace disent::frameworks {

class Ae : public Framework {
public:
    using Framework::Framework;
    std::vector<std::string> term_names() const override { return {"recon_loss"}; }
    bool graph_capturable() const override { return typeid(*this) == typeid(Ae); }

protected:
    LossTerms compute_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) override;
    // May replace the codes of the observations; pushes its log terms into `out`.
    virtual void intercept_latents(std::vector<torch::Tensor>& zs, LossTerms& out) {}
    // Extra loss from the codes (undefined tensor: none); pushes "aug_loss" and its own terms into `out`.
    virtual torch::Tensor aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                                   LossTerms& out) {
        return {};
    }
};

}  // namespace disent::frameworks
