#include "frameworks/vae.hpp"

namespace disent::frameworks {

BetaVae::BetaVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params, bool has_beta)
    : Framework(std::move(model), std::move(recon), params), has_beta_(has_beta),
      latent_(losses::parse_latent_kind(params.get_string("latent_distribution"))),
      kl_mode_(losses::parse_kl_mode(params.get_string("kl_loss_mode"))),
      disable_reg_loss_(params.get_bool("disable_reg_loss")) {}

losses::Posterior BetaVae::posterior(const torch::Tensor& x) {
    return losses::Posterior::from_encoder_output(model_->encode(x), latent_);
}

torch::Tensor BetaVae::encode(const torch::Tensor& x) { return posterior(x).mu; }

std::vector<std::string> BetaVae::term_names() const { return {"recon_loss", "kl_loss", "reg_loss"}; }

torch::Tensor BetaVae::kl_term(const losses::Posterior& q, const torch::Tensor& z) const {
    return losses::reduce_loss(q.kl(kl_mode_, z), reduction_);
}

torch::Tensor BetaVae::mean_kl(Step& s) {
    std::vector<torch::Tensor> kls;
    for (size_t i = 0; i < s.qs.size(); ++i) kls.push_back(kl_term(s.qs[i], s.zs[i]));
    torch::Tensor kl = torch::stack(kls).mean();
    s.out.terms.emplace_back("kl_loss", kl.detach());
    return kl;
}

torch::Tensor BetaVae::recon_loss(Step& s) { return recon_term(s.partials, s.targets); }

torch::Tensor BetaVae::reg_loss(Step& s) { return beta() * mean_kl(s); }

LossTerms BetaVae::compute_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) {
    LossTerms out;
    Step s{xs, targets, {}, {}, {}, out};
    for (const auto& x : xs) s.qs.push_back(posterior(x));
    intercept_posteriors(s.qs, out);
    for (const auto& q : s.qs) {
        torch::Tensor z = q.rsample();
        s.zs.push_back(z);
        s.partials.push_back(model_->decode(detach_decoder_ ? z.detach() : z));
    }
    torch::Tensor recon = recon_loss(s);
    torch::Tensor reg = reg_loss(s);
    torch::Tensor aug = aug_loss(s);
    torch::Tensor loss = torch::zeros_like(recon);
    if (!disable_rec_loss_) loss = loss + recon;
    if (!disable_reg_loss_) loss = loss + reg;
    if (aug.defined() && !disable_aug_loss_) loss = loss + aug;
    out.loss = loss;
    out.terms.emplace_back("recon_loss", recon.detach());
    out.terms.emplace_back("reg_loss", reg.detach());
    return out;
}

ParamSpec beta_param(const std::string& def) {
    return {"beta", ParamType::Float, def, "weight of the KL term (use beta_mean = beta_meansum * Z / D, spec §1.1)", 0.0};
}

ParamTable vae_params() {
    ParamTable t = base_params();
    t.push_back({"latent_distribution", ParamType::String, "normal",
                 "posterior and prior family: normal (encoder gives μ | log σ²) or laplace (loc | log scale)", {}, {},
                 {"normal", "laplace"}});
    t.push_back({"kl_loss_mode", ParamType::String, "direct",
                 "direct(_reverse): analytic KL(q‖p); direct_forward: KL(p‖q); direct_symmetric: their mean; "
                 "approx(_reverse): log q(z) − log p(z) at the training sample; approx_forward: log p − log q at a prior "
                 "sample; approx_symmetric: mean of approx and approx_forward",
                 {}, {},
                 {"direct", "direct_reverse", "direct_forward", "direct_symmetric", "approx", "approx_reverse",
                  "approx_forward", "approx_symmetric"}});
    t.push_back({"disable_reg_loss", ParamType::Bool, "false", "drop the regularisation (KL, ...) term from the loss"});
    return t;
}

}  // namespace disent::frameworks
