#include "frameworks/adaneg_triplet.hpp"

#include "core/error.hpp"
#include "frameworks/ada_ae.hpp"
#include "frameworks/ada_vae.hpp"

namespace disent::frameworks {

AdaNegMasks adaneg_masks_from_codes(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n, double ratio) {
    return {ada_code_shared_mask(a, p, ratio), ada_code_shared_mask(a, n, ratio), ada_code_shared_mask(p, n, ratio)};
}

AdaNegMasks adaneg_masks_from_posteriors(const losses::Posterior& a, const losses::Posterior& p, const losses::Posterior& n,
                                         const std::string& mask_mode, const std::string& thresh_mode, double ratio) {
    torch::NoGradGuard no_grad;  // masks only select dims
    if (mask_mode == "posterior")
        return {ada_shared_mask(ada_deltas(a, p, thresh_mode), ratio), ada_shared_mask(ada_deltas(a, n, thresh_mode), ratio),
                ada_shared_mask(ada_deltas(p, n, thresh_mode), ratio)};
    if (mask_mode == "sample") {
        // one sample per observation, drawn in the order a, p, n
        torch::Tensor za = a.rsample();
        torch::Tensor zp = p.rsample();
        torch::Tensor zn = n.rsample();
        return adaneg_masks_from_codes(za, zp, zn, ratio);
    }
    if (mask_mode == "sample_each") {
        // fresh samples for every pair, drawn in the order (a, p), (a, n), (p, n)
        AdaNegMasks m;
        torch::Tensor z0 = a.rsample();
        torch::Tensor z1 = p.rsample();
        m.ap = ada_code_shared_mask(z0, z1, ratio);
        z0 = a.rsample();
        z1 = n.rsample();
        m.an = ada_code_shared_mask(z0, z1, ratio);
        z0 = p.rsample();
        z1 = n.rsample();
        m.pn = ada_code_shared_mask(z0, z1, ratio);
        return m;
    }
    throw UserError("key 'framework.adat_share_mask_mode': value '" + mask_mode +
                    "' is invalid, expected one of posterior, sample, sample_each");
}

torch::Tensor adaneg_triplet_loss(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n,
                                  const torch::Tensor& an_shared, double share_scale, const TripletConfig& cfg) {
    torch::Tensor neg_delta = a - n;
    return configured_dist_triplet(a - p, torch::where(an_shared, share_scale * neg_delta, neg_delta), cfg);
}

torch::Tensor adaneg_aug(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n, const AdaNegMasks& masks,
                         double share_scale, const TripletConfig& cfg, LossTerms& out) {
    // spec §12.17: the ap and pn masks are computed but only logged; only the a–n mask rescales the
    // negative. This is the algorithm of the paper's runs and we keep it (they are cheap diagnostics).
    torch::Tensor chosen = adaneg_triplet_loss(a, p, n, masks.an, share_scale, cfg);
    auto count = [](const torch::Tensor& m) { return m.to(torch::kFloat).sum(-1).mean().detach(); };
    out.terms.emplace_back("aug_loss", chosen.detach());
    out.terms.emplace_back("triplet", configured_triplet(a, p, n, cfg).detach());
    out.terms.emplace_back("triplet_chosen", chosen.detach());
    out.terms.emplace_back("ap_shared", count(masks.ap));
    out.terms.emplace_back("an_shared", count(masks.an));
    out.terms.emplace_back("pn_shared", count(masks.pn));
    return chosen;
}

std::vector<std::string> AdaNegTripletAe::term_names() const {
    return {"recon_loss", "aug_loss", "triplet", "triplet_chosen", "ap_shared", "an_shared", "pn_shared"};
}

torch::Tensor AdaNegTripletAe::code_aug(const torch::Tensor& a, const torch::Tensor& p, const torch::Tensor& n,
                                        LossTerms& out) {
    AdaNegMasks masks = adaneg_masks_from_codes(a, p, n, param("ada_thresh_ratio"));
    return adaneg_aug(a, p, n, masks, param("adat_triplet_share_scale"), triplet_config(params_), out);
}

torch::Tensor AdaNegTripletAe::aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                                        LossTerms& out) {
    require_observations(zs, 3, "adaneg_tae");
    return code_aug(zs[0], zs[1], zs[2], out);
}

AdaNegTripletVae::AdaNegTripletVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : TripletVae(std::move(model), std::move(recon), params), mask_mode_(params.get_string("adat_share_mask_mode")),
      thresh_mode_(params.get_string("ada_thresh_mode")) {
    if (mask_mode_ != "posterior" && mask_mode_ != "sample" && mask_mode_ != "sample_each")
        throw UserError("key 'framework.adat_share_mask_mode': value '" + mask_mode_ +
                        "' is invalid, expected one of posterior, sample, sample_each");
    if (thresh_mode_ != "kl" && thresh_mode_ != "symmetric_kl" && thresh_mode_ != "dist" && thresh_mode_ != "sampled_dist")
        throw UserError("key 'framework.ada_thresh_mode': value '" + thresh_mode_ +
                        "' is invalid, expected one of kl, symmetric_kl, dist, sampled_dist");
    // the KL deltas of ada_deltas are Normal–Normal; dist and the sampled modes work for any latent family
    const bool kl_deltas = mask_mode_ == "posterior" && (thresh_mode_ == "kl" || thresh_mode_ == "symmetric_kl");
    if (kl_deltas && latent_ != losses::LatentKind::Normal)
        throw UserError("key 'framework.ada_thresh_mode': value '" + thresh_mode_ +
                        "' needs latent_distribution normal; use dist or sampled_dist with laplace latents");
}

std::vector<std::string> AdaNegTripletVae::term_names() const {
    return {"recon_loss",     "kl_loss",   "reg_loss",  "aug_loss", "triplet",
            "triplet_chosen", "ap_shared", "an_shared", "pn_shared"};
}

torch::Tensor AdaNegTripletVae::posterior_aug(const losses::Posterior& a, const losses::Posterior& p,
                                              const losses::Posterior& n, LossTerms& out) {
    AdaNegMasks masks = adaneg_masks_from_posteriors(a, p, n, mask_mode_, thresh_mode_, param("ada_thresh_ratio"));
    return adaneg_aug(a.mu, p.mu, n.mu, masks, param("adat_triplet_share_scale"), triplet_config(params_), out);
}

torch::Tensor AdaNegTripletVae::aug_loss(Step& s) {
    require_observations(s.targets, 3, "adaneg_tvae");
    return posterior_aug(s.qs[0], s.qs[1], s.qs[2], s.out);
}

namespace {

ParamTable ada_neg_keys() {
    return {
        {"ada_thresh_ratio", ParamType::Float, "0.5", "shared-dim threshold = min + ratio·(max − min) of the deltas", 0.0, 1.0},
        {"adat_triplet_share_scale", ParamType::Float, "0.95",
         "factor on the negative delta a − n over the dims shared by anchor and negative", 0.0},
    };
}

}  // namespace

ParamTable adaneg_ae_params() {
    ParamTable t = base_params();
    for (auto& s : triplet_params()) t.push_back(s);
    for (auto& s : ada_neg_keys()) t.push_back(s);
    return t;
}

ParamTable adaneg_vae_params() {
    ParamTable t = vae_params();
    t.push_back(beta_param("0.003"));
    for (auto& s : triplet_params()) t.push_back(s);
    t.push_back({"ada_thresh_mode", ParamType::String, "dist",
                 "posterior deltas of the posterior mask mode: kl, symmetric_kl, dist (|μ − μ'|) or sampled_dist", {}, {},
                 {"kl", "symmetric_kl", "dist", "sampled_dist"}});
    for (auto& s : ada_neg_keys()) t.push_back(s);
    t.push_back({"adat_share_mask_mode", ParamType::String, "posterior",
                 "shared masks from the posteriors (ada_thresh_mode), from one sample per observation (sample) or "
                 "from fresh samples for each pair (sample_each)",
                 {}, {}, {"posterior", "sample", "sample_each"}});
    return t;
}

}  // namespace disent::frameworks
