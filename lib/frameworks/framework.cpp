#include "frameworks/framework.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace disent::frameworks {

Framework::Framework(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : params_(params), model_(std::move(model)), recon_(std::move(recon)), reduction_(losses::parse_reduction(params.get_string("loss_reduction"))),
      detach_decoder_(params.get_bool("detach_decoder")), disable_rec_loss_(params.get_bool("disable_rec_loss")),
      disable_aug_loss_(params.get_bool("disable_aug_loss")) {}

void Framework::set_param(const std::string& key, double value) {
    auto it = params_.values().find(key);
    if (it == params_.values().end()) throw UserError("framework has no parameter '" + key + "'");
    const Value& old = it->second;
    if (std::holds_alternative<int64_t>(old)) params_.set(key, static_cast<int64_t>(std::llround(value)));
    else if (std::holds_alternative<double>(old)) params_.set(key, value);
    else throw UserError("framework parameter '" + key + "' is not numeric and cannot be scheduled");
}

LossTerms Framework::training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) {
    LossTerms lt = compute_loss(xs, targets);
    std::vector<std::pair<std::string, torch::Tensor>> ordered;
    for (const auto& name : term_names()) {
        auto it = std::find_if(lt.terms.begin(), lt.terms.end(), [&](const auto& kv) { return kv.first == name; });
        if (it == lt.terms.end()) throw std::logic_error("framework did not report its loss term '" + name + "'");
        ordered.push_back(std::move(*it));
    }
    lt.terms = std::move(ordered);
    return lt;
}

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
        {"disable_aug_loss", ParamType::Bool, "false", "drop the extra (triplet, ...) term from the loss"},
    };
}

}  // namespace disent::frameworks
