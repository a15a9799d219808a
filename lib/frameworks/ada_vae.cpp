#include "frameworks/ada_vae.hpp"

#include "core/error.hpp"

namespace disent::frameworks {

torch::Tensor ada_deltas(const losses::Posterior& q0, const losses::Posterior& q1, const std::string& mode) {
    if (mode == "kl") return losses::kl_normal_normal(q1.mu, q1.sigma(), q0.mu, q0.sigma());
    if (mode == "symmetric_kl")
        return 0.5 * losses::kl_normal_normal(q1.mu, q1.sigma(), q0.mu, q0.sigma()) +
               0.5 * losses::kl_normal_normal(q0.mu, q0.sigma(), q1.mu, q1.sigma());
    if (mode == "dist") return (q1.mu - q0.mu).abs();
    if (mode == "sampled_dist") {  // two statements: the order of the draws must not depend on the compiler
        const torch::Tensor z0 = q0.rsample();
        const torch::Tensor z1 = q1.rsample();
        return (z1 - z0).abs();
    }
    throw UserError("unknown ada_thresh_mode '" + mode + "'");
}

torch::Tensor ada_shared_mask(const torch::Tensor& deltas, double ratio) {
    auto lo = std::get<0>(deltas.min(-1, /*keepdim=*/true));
    auto hi = std::get<0>(deltas.max(-1, /*keepdim=*/true));
    return deltas < lo + ratio * (hi - lo);
}

torch::Tensor ada_average(losses::Posterior& q0, losses::Posterior& q1, const AdaOptions& opt) {
    // the threshold decision is not differentiated (it selects dims); the averaging itself is
    torch::Tensor shared = ada_shared_mask(ada_deltas(q0, q1, opt.thresh_mode).detach(), opt.thresh_ratio);
    torch::Tensor v0 = q0.variance(), v1 = q1.variance();
    torch::Tensor mu, var;
    if (opt.average_mode == "gvae") {
        mu = 0.5 * (q0.mu + q1.mu);
        var = 0.5 * (v0 + v1);
    } else if (opt.average_mode == "ml-vae") {
        var = 2.0 * v0 * v1 / (v0 + v1);
        mu = (q0.mu * v1 + q1.mu * v0) / (v0 + v1);
    } else if (opt.average_mode == "gvae_paper") {
        // the code behind the paper's runs (Nov 2021) averaged 0.5*(mu1 + mu1): the second observation's
        // mean, with the correct variance average (paper-experiments §8.1)
        mu = q1.mu;
        var = 0.5 * (v0 + v1);
    } else {
        throw UserError("unknown ada_average_mode '" + opt.average_mode + "'");
    }
    torch::Tensor logvar = torch::log(var);
    q0 = {torch::where(shared, mu, q0.mu), torch::where(shared, logvar, q0.logvar), q0.kind};
    q1 = {torch::where(shared, mu, q1.mu), torch::where(shared, logvar, q1.logvar), q1.kind};
    return shared;
}

AdaVae::AdaVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params) {
    if (latent_ != losses::LatentKind::Normal)
        throw UserError("framework 'ada_vae' averages Normal posteriors; key 'framework.latent_distribution' must be normal");
    opt_.average_mode = params.get_string("ada_average_mode");
    opt_.thresh_mode = params.get_string("ada_thresh_mode");
    opt_.thresh_ratio = params.get_float("ada_thresh_ratio");
}

std::vector<std::string> AdaVae::term_names() const { return {"recon_loss", "kl_loss", "reg_loss", "shared"}; }

void AdaVae::intercept_posteriors(std::vector<losses::Posterior>& qs, LossTerms& out) {
    if (qs.size() != 2) throw std::logic_error("ada_vae needs pairs of observations");
    torch::Tensor shared = ada_average(qs[0], qs[1], opt_);
    out.terms.emplace_back("shared", shared.to(torch::kFloat).sum(-1).mean().detach());
}

}  // namespace disent::frameworks
