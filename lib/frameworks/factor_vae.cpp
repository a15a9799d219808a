#include "frameworks/factor_vae.hpp"

#include "core/error.hpp"

namespace disent::frameworks {

torch::Tensor shuffle_codes(const torch::Tensor& z) {
    const auto order = torch::argsort(torch::rand(z.sizes(), z.options()), /*dim=*/int64_t{0}, /*descending=*/false);
    return z.gather(0, order);
}

FactorVae::FactorVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params) {
    // disentanglement_lib's fc_discriminator: hidden dense layers with leaky ReLU (slope 0.2), 2 logits
    const int64_t z = model_->shape().z_size, units = params.get_int("disc_hidden_units");
    int64_t in = z;
    for (int64_t i = 0; i < params.get_int("disc_hidden_layers"); ++i) {
        disc_->push_back(torch::nn::Linear(in, units));
        disc_->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
        in = units;
    }
    disc_->push_back(torch::nn::Linear(in, 2));
    const auto ps = model_->parameters();
    if (!ps.empty()) disc_->to(ps.front().device());
    disc_opt_ = std::make_unique<torch::optim::Adam>(
        disc_->parameters(), torch::optim::AdamOptions(params.get_float("disc_lr"))
                                 .betas({params.get_float("disc_beta1"), params.get_float("disc_beta2")})
                                 .eps(1e-8));
}

torch::Tensor FactorVae::reg_loss(Step& s) {
    const torch::Tensor kl = mean_kl(s);
    const torch::Tensor& z = s.zs[0];
    // TC ≈ E[log D(z) − log(1 − D(z))] = mean of the logit difference (gradients reach the encoder)
    const torch::Tensor logits = disc_->forward(z);
    const torch::Tensor tc = (logits.select(1, 0) - logits.select(1, 1)).mean();
    // the discriminator's own loss on detached codes, so that it trains only the discriminator
    const torch::Tensor zd = z.detach();
    auto probs = [&](const torch::Tensor& codes) { return torch::softmax(disc_->forward(codes), 1).clamp(1e-6, 1 - 1e-6); };
    const torch::Tensor p_real = probs(zd), p_perm = probs(shuffle_codes(zd));
    s.out.aux_loss = -(0.5 * torch::log(p_real.select(1, 0)).mean() + 0.5 * torch::log(p_perm.select(1, 1)).mean());
    s.out.terms.emplace_back("tc_loss", tc.detach());
    s.out.terms.emplace_back("disc_loss", s.out.aux_loss.detach());
    return beta() * kl + param("gamma") * tc;
}

void FactorVae::aux_update(const torch::Tensor& aux_loss) {
    // the main backward also left (unused) gradients of γ·TC on the discriminator: start from zero
    disc_opt_->zero_grad();
    aux_loss.backward();
    disc_opt_->step();
}

void FactorVae::save_aux(torch::serialize::OutputArchive& archive) const {
    torch::serialize::OutputArchive params, opt;
    for (const auto& kv : disc_->named_parameters()) params.write(kv.key(), kv.value().detach().to(torch::kCPU));
    disc_opt_->save(opt);
    archive.write("discriminator", params);
    archive.write("discriminator_optimizer", opt);
}

void FactorVae::load_aux(torch::serialize::InputArchive& archive) {
    torch::serialize::InputArchive params, opt;
    archive.read("discriminator", params);
    archive.read("discriminator_optimizer", opt);
    torch::NoGradGuard no_grad;
    for (auto& kv : disc_->named_parameters()) {
        torch::Tensor src;
        params.read(kv.key(), src);
        if (src.sizes() != kv.value().sizes())
            throw UserError("checkpoint's FactorVAE discriminator does not match: '" + kv.key() + "' has another shape");
        kv.value().copy_(src);
    }
    disc_opt_->load(opt);
}

}  // namespace disent::frameworks
