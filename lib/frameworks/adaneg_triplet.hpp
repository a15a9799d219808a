#pragma once
// Ada-Neg triplets (spec §1.11; README "Ada-TAE / Ada-TVAE"): a TAE/TVAE whose negative delta a − n is
// shrunk by adat_triplet_share_scale on the dims that the Ada rule (§1.5) finds shared between anchor
// and negative, so the triplet term stops pushing apart what the pair has in common:
//   aug = triplet_scale · dist_triplet(a − p, where(shared_an, s·(a − n), a − n)).
// Codes are the raw latents (AE) or the posterior means (VAE).
#include "frameworks/tvae.hpp"

namespace disent::frameworks {

// Shared masks (B, Z) of the three pairs of a triplet.
struct AdaNegMasks {
    torch::Tensor ap, an, pn;
};

// AE: deltas |z − z'| of the raw codes.
AdaNegMasks adaneg_masks_from_codes(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n, double ratio);
// VAE, by adat_share_mask_mode: posterior → ada_deltas(·, ·, thresh_mode) of the posteriors; sample → one
// sample per observation, deltas |ẑ − ẑ'|; sample_each → fresh samples for each pair (a,p), (a,n), (p,n).
AdaNegMasks adaneg_masks_from_posteriors(const losses::Posterior& a, const losses::Posterior& p, const losses::Posterior& n,
                                         const std::string& mask_mode, const std::string& thresh_mode, double ratio);
// The soft scaled negative triplet term, triplet_scale included.
torch::Tensor adaneg_triplet_loss(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n,
                                  const torch::Tensor& an_shared, double share_scale, const TripletConfig& cfg);
// That term (returned) and its logs pushed into `out`: aug_loss, triplet (the plain, unoptimised triplet),
// triplet_chosen (= aug_loss), ap_shared, an_shared, pn_shared (mean number of shared dims).
torch::Tensor adaneg_aug(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n, const AdaNegMasks& masks,
                         double share_scale, const TripletConfig& cfg, LossTerms& out);

class AdaNegTripletAe : public TripletAe {
public:
    using TripletAe::TripletAe;
    std::vector<std::string> term_names() const override;

protected:
    torch::Tensor aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                           LossTerms& out) override;
    // The Ada-Neg term of one batch of triplet codes (shared with DotAE, which mines its triplets).
    torch::Tensor code_aug(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n, LossTerms& out);
};

class AdaNegTripletVae : public TripletVae {
public:
    AdaNegTripletVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override;

protected:
    torch::Tensor aug_loss(Step& s) override;
    // The Ada-Neg term of one batch of triplet posteriors (shared with DotVAE).
    torch::Tensor posterior_aug(const losses::Posterior& a, const losses::Posterior& p, const losses::Posterior& n,
                                LossTerms& out);

private:
    std::string mask_mode_, thresh_mode_;
};

// Parameter tables: the triplet keys plus ada_thresh_ratio and adat_triplet_share_scale (AE), and for the
// VAE also beta, ada_thresh_mode and adat_share_mask_mode.
ParamTable adaneg_ae_params();
ParamTable adaneg_vae_params();

}  // namespace disent::frameworks
