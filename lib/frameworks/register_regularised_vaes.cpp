// Registration of the VAEs that change the regulariser or the reconstruction term (spec §1.6-§1.9) and
// the two disentanglement_lib models disent lacks (FactorVAE, AnnealedVAE).
#include "frameworks/annealed_vae.hpp"
#include "frameworks/betatc_vae.hpp"
#include "frameworks/dfc_vae.hpp"
#include "frameworks/dip_vae.hpp"
#include "frameworks/factor_vae.hpp"
#include "frameworks/info_vae.hpp"

namespace disent::frameworks {

namespace {

// disentanglement_lib sums over pixels and latents per sample: its models default to mean_sum.
ParamTable with_mean_sum(ParamTable t) {
    for (auto& spec : t)
        if (spec.name == "loss_reduction") spec.default_text = "mean_sum";
    return t;
}

}  // namespace

void register_regularised_vaes() {
    auto& r = framework_registry();
    const auto single_vae = framework_traits("single", "single", 2);

    ParamTable tc = vae_params();
    tc.push_back(beta_param("0.003"));
    tc.push_back({"tc_mode", ParamType::String, "scaled",
                  "scaled: β·KL + β·(tc_beta − 1)·TC with TC in the reduction's units (Chen et al.); disent: the original "
                  "β·KL + (β − 1)·TC, whose TC weight is about −1 under the normalised mean β (spec §12.3)",
                  {}, {}, {"scaled", "disent"}});
    tc.push_back({"tc_beta", ParamType::Float, "6.0", "β-TCVAE's TC weight (tc_mode=scaled); 1 is a β-VAE", 0.0});
    r.add({"", "betatc_vae", "β-TCVAE: β-VAE + weighted minibatch total correlation of q(z)", tc, single_vae},
          factory_of<BetaTcVae>());

    ParamTable dip = vae_params();
    dip.push_back(beta_param("0.003"));
    dip.push_back({"dip_mode", ParamType::String, "ii",
                   "i: Cov[μ]; ii: Cov[μ] + diag(E[σ²]); ii_disent: disent's version adding one scalar to every entry "
                   "(spec §12.2)",
                   {}, {}, {"i", "ii", "ii_disent"}});
    dip.push_back({"dip_beta", ParamType::Float, "1.0", "weight of the DIP penalty", 0.0});
    dip.push_back({"lambda_d", ParamType::Float, "1.0", "weight of Σ(C_ii − 1)² (experiment value; disent's class default 10)", 0.0});
    dip.push_back({"lambda_od", ParamType::Float, "0.5", "weight of Σ_{i≠j} C_ij² (experiment value; class default 5)", 0.0});
    r.add({"", "dip_vae", "DIP-VAE I / II: β-VAE + penalty on the covariance of the aggregate posterior", dip, single_vae},
          factory_of<DipVae>());

    ParamTable info = vae_params();
    info.push_back({"info_alpha", ParamType::Float, "-0.5", "α of InfoVAE (≤ 0): KL weight w·(1 − α)", {}, 0.0});
    info.push_back({"info_lambda", ParamType::Float, "5.0", "λ of InfoVAE: MMD weight w·(α + λ − 1)"});
    info.push_back({"info_kernel", ParamType::String, "rbf", "MMD kernel", {}, {}, {"rbf"}});
    info.push_back({"z_var", ParamType::Float, "2.0", "RBF kernel exp(−‖x − y‖² / (2·z_var·Z))", 1e-12});
    info.push_back({"maintain_reg_ratio", ParamType::Bool, "true", "scale the regulariser by w = Z / (C·H·W)"});
    r.add({"", "info_vae", "InfoVAE (MMD-VAE): VAE + MMD between posterior and prior samples (loss_reduction=mean)", info,
           single_vae},
          factory_of<InfoVae>());

    ParamTable dfc = vae_params();
    dfc.push_back(beta_param("0.003"));
    dfc.push_back({"feature_extractor", ParamType::String, "",
                   "TorchScript file of torchvision's vgg19_bn().features with ImageNet weights (required)"});
    dfc.push_back({"feature_layers", ParamType::StringList, "[14, 24, 34, 43]", "children of the extractor whose outputs are compared"});
    dfc.push_back({"feature_inputs_mode", ParamType::String, "none", "none, clamp to [0, 1], or assert the range",
                   {}, {}, {"none", "clamp", "assert"}});
    r.add({"", "dfc_vae", "DFC-VAE: β-VAE whose recon term is ½(pixel + VGG19-BN feature loss)", dfc, single_vae},
          factory_of<DfcVae>());

    ParamTable fac = with_mean_sum(vae_params());
    fac.push_back({"beta", ParamType::Float, "1.0", "weight of the KL term (disentanglement_lib: 1)", 0.0});
    fac.push_back({"gamma", ParamType::Float, "10.0", "weight of the discriminator's TC estimate (disentanglement_lib sweeps 10..100)", 0.0});
    fac.push_back({"disc_hidden_layers", ParamType::Int, "6", "hidden layers of the discriminator", 1.0, 64.0});
    fac.push_back({"disc_hidden_units", ParamType::Int, "1000", "units per hidden layer", 1.0, 65536.0});
    fac.push_back({"disc_lr", ParamType::Float, "0.0001", "discriminator Adam learning rate", 0.0});
    fac.push_back({"disc_beta1", ParamType::Float, "0.5", "discriminator Adam β1", 0.0, 1.0});
    fac.push_back({"disc_beta2", ParamType::Float, "0.9", "discriminator Adam β2", 0.0, 1.0});
    r.add({"", "factor_vae", "FactorVAE (disentanglement_lib): VAE + γ·TC from a discriminator with its own Adam", fac,
           single_vae},
          factory_of<FactorVae>());

    ParamTable ann = with_mean_sum(vae_params());
    ann.push_back({"gamma", ParamType::Float, "1000.0", "weight of |KL − C|", 0.0});
    ann.push_back({"c_max", ParamType::Float, "25.0", "final capacity C in nats", 0.0});
    ann.push_back({"iteration_threshold", ParamType::Float, "100000", "steps over which C grows from 0 to c_max", 1.0});
    r.add({"", "annealed_vae", "AnnealedVAE (disentanglement_lib): recon + γ·|KL − C| with C growing linearly", ann,
           single_vae},
          factory_of<AnnealedVae>());
}

}  // namespace disent::frameworks
