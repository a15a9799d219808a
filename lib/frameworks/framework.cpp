#include "frameworks/framework.hpp"

namespace disent::frameworks {

Framework::Framework(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : model_(std::move(model)), recon_(std::move(recon)), reduction_(losses::parse_reduction(params.get_string("loss_reduction"))),
      detach_decoder_(params.get_bool("detach_decoder")), disable_rec_loss_(params.get_bool("disable_rec_loss")) {}

torch::Tensor Framework::encode(const torch::Tensor& x) { return model_->encode(x); }

torch::Tensor Framework::decode(const torch::Tensor& z) { return recon_->activate(model_->decode(z)); }

torch::Tensor Framework::recon_term(const std::vector<torch::Tensor>& partials, const std::vector<torch::Tensor>& targets) const {
    std::vector<torch::Tensor> per_obs;
    for (size_t i = 0; i < partials.size(); ++i) per_obs.push_back(recon_->compute(partials[i], targets[i], reduction_));
    return torch::stack(per_obs).mean();
}

Registry<FrameworkFactory>& framework_registry() {
    static Registry<FrameworkFactory> r("framework");
    return r;
}

ParamTable base_params() {
    return {
        {"loss_reduction", ParamType::String, "mean",
         "mean: over every element (beta is 'normalised'); mean_sum: sum per sample, mean over the batch",
         {}, {}, {"mean", "mean_sum"}},
        {"detach_decoder", ParamType::Bool, "false", "decode detached latents (recon gradients stop at the decoder)"},
        {"disable_rec_loss", ParamType::Bool, "false", "drop the reconstruction term from the loss"},
    };
}

}  // namespace disent::frameworks
