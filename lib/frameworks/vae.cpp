#include "frameworks/vae.hpp"

namespace disent::frameworks {

BetaVae::BetaVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params, double beta)
    : Framework(std::move(model), std::move(recon), params), beta_(beta), kl_mode_(params.get_string("kl_loss_mode")),
      disable_reg_loss_(params.get_bool("disable_reg_loss")) {}

losses::NormalPosterior BetaVae::posterior(const torch::Tensor& x) {
    return losses::NormalPosterior::from_encoder_output(model_->encode(x));
}

torch::Tensor BetaVae::encode(const torch::Tensor& x) { return posterior(x).mu; }

std::vector<std::string> BetaVae::term_names() const { return {"recon_loss", "kl_loss", "reg_loss"}; }

torch::Tensor BetaVae::kl_term(const losses::NormalPosterior& q, const torch::Tensor& z) const {
    torch::Tensor kl;
    if (kl_mode_ == "direct") {
        kl = q.kl_to_std_normal();
    } else {  // "approx": single-sample estimate log q(z) − log p(z) at the training sample
        kl = q.log_prob(z) - losses::normal_log_prob(z, torch::zeros_like(z), torch::ones_like(z));
    }
    return losses::reduce_loss(kl, reduction_);
}

LossTerms BetaVae::training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) {
    std::vector<losses::NormalPosterior> qs;
    for (const auto& x : xs) qs.push_back(posterior(x));
    auto extra = intercept_posteriors(qs);
    std::vector<torch::Tensor> partials, kls;
    for (const auto& q : qs) {
        torch::Tensor z = q.rsample();
        partials.push_back(model_->decode(detach_decoder_ ? z.detach() : z));
        kls.push_back(kl_term(q, z));
    }
    torch::Tensor recon = recon_term(partials, targets);
    torch::Tensor kl = torch::stack(kls).mean();
    torch::Tensor reg = beta_ * kl;
    torch::Tensor loss = torch::zeros_like(recon);
    if (!disable_rec_loss_) loss = loss + recon;
    if (!disable_reg_loss_) loss = loss + reg;
    LossTerms out{loss, {{"recon_loss", recon.detach()}, {"kl_loss", kl.detach()}, {"reg_loss", reg.detach()}}};
    for (auto& e : extra) out.terms.push_back(std::move(e));
    return out;
}

ParamTable vae_params() {
    ParamTable t = base_params();
    t.push_back({"kl_loss_mode", ParamType::String, "direct",
                 "direct: analytic KL(q‖p); approx: single-sample log q(z) − log p(z)", {}, {}, {"direct", "approx"}});
    t.push_back({"disable_reg_loss", ParamType::Bool, "false", "drop the KL (regularisation) term from the loss"});
    return t;
}

}  // namespace disent::frameworks
