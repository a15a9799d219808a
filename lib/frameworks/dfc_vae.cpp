#include "frameworks/dfc_vae.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"

namespace disent::frameworks {

FeatureExtractor::FeatureExtractor(const std::string& path, const std::vector<std::string>& layers, torch::Device device)
    : layers_(layers) {
    if (!std::filesystem::is_regular_file(path))
        throw UserError("key 'framework.feature_extractor': '" + path + "' is not a file");
    try {
        module_ = torch::jit::load(path, device);
    } catch (const std::exception& e) {
        std::string what = e.what();
        throw UserError("key 'framework.feature_extractor': '" + path + "' is not a TorchScript module (" +
                        what.substr(0, what.find('\n')) + ")");
    }
    module_.eval();
    for (auto p : module_.parameters()) p.set_requires_grad(false);  // frozen
    for (const auto& child : module_.named_children()) order_.push_back(child.name);
    for (const auto& l : layers_)
        if (std::find(order_.begin(), order_.end(), l) == order_.end())
            throw UserError("key 'framework.feature_layers': layer '" + l + "' is not a child of '" + path + "' (it has " +
                            std::to_string(order_.size()) + " children, named " + (order_.empty() ? "" : order_.front()) +
                            ".." + (order_.empty() ? "" : order_.back()) + ")");
}

std::vector<torch::Tensor> FeatureExtractor::features(const torch::Tensor& x) {
    std::map<std::string, torch::Tensor> got;
    torch::Tensor h = x;
    size_t remaining = layers_.size();
    for (const auto& child : module_.named_children()) {
        if (remaining == 0) break;
        torch::jit::Module layer = child.value;  // a handle (forward is non-const)
        h = layer.forward({h}).toTensor();
        if (std::find(layers_.begin(), layers_.end(), child.name) != layers_.end() && !got.count(child.name)) {
            got[child.name] = h;
            --remaining;
        }
    }
    std::vector<torch::Tensor> out;
    for (const auto& l : layers_) out.push_back(got.at(l));
    return out;
}

DfcVae::DfcVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params)
    : BetaVae(std::move(model), std::move(recon), params), inputs_mode_(params.get_string("feature_inputs_mode")) {
    const std::string path = params.get_string("feature_extractor");
    if (path.empty())
        throw UserError("framework 'dfc_vae' needs key 'framework.feature_extractor': the path of a TorchScript file of "
                        "torchvision's vgg19_bn(weights=IMAGENET1K_V1).features (docs/frameworks.md shows the export)");
    const auto params_list = model_->parameters();
    const torch::Device device = params_list.empty() ? torch::Device(torch::kCPU) : params_list.front().device();
    vgg_ = std::make_shared<FeatureExtractor>(path, params.get_string_list("feature_layers"), device);
}

torch::Tensor DfcVae::feature_loss(const torch::Tensor& x_hat, const torch::Tensor& x) {
    auto prepare = [&](torch::Tensor t) {
        if (inputs_mode_ == "clamp") t = t.clamp(0.0, 1.0);
        if (inputs_mode_ == "assert" && (t.min().item<double>() < 0.0 || t.max().item<double>() > 1.0))
            throw std::runtime_error("dfc_vae: feature_inputs_mode=assert and an input is outside [0, 1]");
        if (t.size(1) == 1) t = t.repeat({1, 3, 1, 1});
        const auto opts = t.options();
        const auto mean = torch::tensor({0.485, 0.456, 0.406}, opts).view({1, 3, 1, 1});
        const auto std = torch::tensor({0.229, 0.224, 0.225}, opts).view({1, 3, 1, 1});
        return (t - mean) / std;
    };
    const auto fa = vgg_->features(prepare(x_hat)), fb = vgg_->features(prepare(x));
    torch::Tensor loss = torch::zeros({}, x_hat.options());
    for (size_t i = 0; i < fa.size(); ++i) loss = loss + (fa[i] - fb[i]).square().mean();
    // disent refuses mean_sum (spec §12.4); the per-sample-sum scale C·H·W is the consistent choice
    const double scale = reduction_ == losses::Reduction::Mean ? 1.0 : static_cast<double>(x[0].numel());
    return loss * scale;
}

torch::Tensor DfcVae::recon_loss(Step& s) {
    std::vector<torch::Tensor> pix, feat;
    for (size_t i = 0; i < s.partials.size(); ++i) {
        pix.push_back(recon_->compute(s.partials[i], s.targets[i], reduction_));
        feat.push_back(feature_loss(recon_->activate(s.partials[i]), s.targets[i]));
    }
    const torch::Tensor p = torch::stack(pix).mean(), f = torch::stack(feat).mean();
    s.out.terms.emplace_back("pixel_loss", p.detach());
    s.out.terms.emplace_back("feature_loss", f.detach());
    return 0.5 * (p + f);
}

}  // namespace disent::frameworks
