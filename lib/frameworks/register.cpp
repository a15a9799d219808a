// Explicit registration of the built-in frameworks (names and defaults as disent's registry, spec §1.14).
#include "frameworks/ada_vae.hpp"
#include "frameworks/ae.hpp"
#include "frameworks/vae.hpp"

namespace disent::frameworks {

std::map<std::string, std::string> framework_traits(const std::string& mode, const std::string& sampler, int zmul) {
    return {{"input_mode", mode}, {"default_sampler", sampler}, {"z_multiplier", std::to_string(zmul)}};
}

void register_all() {
    auto& r = framework_registry();
    if (!r.empty()) return;
    r.add({"", "ae", "autoencoder: reconstruction loss only", base_params(), framework_traits("single", "single", 1)},
          factory_of<Ae>());
    r.add({"", "vae", "VAE: reconstruction + KL(q(z|x) ‖ N(0, I))", vae_params(), framework_traits("single", "single", 2)},
          [](const Params& p, models::AutoEncoder m, std::shared_ptr<losses::ReconLoss> l) {
              return std::make_shared<BetaVae>(std::move(m), std::move(l), p, /*has_beta=*/false);
          });
    ParamTable beta = vae_params();
    beta.push_back(beta_param("0.003"));
    r.add({"", "beta_vae", "β-VAE: reconstruction + β·KL", beta, framework_traits("single", "single", 2)},
          factory_of<BetaVae>());
    ParamTable ada = beta;
    ada.push_back({"ada_average_mode", ParamType::String, "gvae",
                   "gvae: mean of the pair; ml-vae: precision-weighted product; gvae_paper: the Nov-2021 code behind "
                   "the paper (mean of the second observation, averaged variance)",
                   {}, {}, {"gvae", "ml-vae", "gvae_paper"}});
    ada.push_back({"ada_thresh_mode", ParamType::String, "symmetric_kl", "per-dimension difference used to find shared dims",
                   {}, {}, {"kl", "symmetric_kl", "dist", "sampled_dist"}});
    ada.push_back({"ada_thresh_ratio", ParamType::Float, "0.5", "threshold = min + ratio·(max − min) of the deltas", 0.0, 1.0});
    r.add({"", "ada_vae", "Ada-GVAE / Ada-ML-VAE: weakly supervised pairs with averaged shared latents", ada,
           framework_traits("pair", "gt_pair_orig", 2)},
          factory_of<AdaVae>());
    register_triplet_family();
    register_regularised_vaes();
}

}  // namespace disent::frameworks
