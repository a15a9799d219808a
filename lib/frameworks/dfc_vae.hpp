#pragma once
// DFC-VAE (spec §1.9): β-VAE whose reconstruction term averages the pixel loss with a perceptual loss
// between VGG19-BN features of the reconstruction and of the target. The frozen feature extractor is a
// TorchScript file given by the user (torchvision's vgg19_bn().features with ImageNet weights; this
// machine cannot download them), whose children run in order.
#include <torch/script.h>

#include "frameworks/vae.hpp"

namespace disent::frameworks {

class FeatureExtractor {
public:
    // Loads `path` onto `device`; UserError naming the file and the key if it cannot be read or lacks a layer.
    FeatureExtractor(const std::string& path, const std::vector<std::string>& layers, torch::Device device);
    // Outputs of the chosen children for (B, 3, H, W) inputs, in the order of the layer list.
    std::vector<torch::Tensor> features(const torch::Tensor& x);

private:
    torch::jit::Module module_;
    std::vector<std::string> order_;   // children names, in module order
    std::vector<std::string> layers_;  // wanted names
};

class DfcVae : public BetaVae {
public:
    DfcVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    std::vector<std::string> term_names() const override {
        return {"recon_loss", "pixel_loss", "feature_loss", "kl_loss", "reg_loss"};
    }
    // Σ over layers of mean((f(x̂) − f(x))²), times C·H·W under mean_sum (the per-sample sum scale).
    torch::Tensor feature_loss(const torch::Tensor& x_hat, const torch::Tensor& x);

protected:
    torch::Tensor recon_loss(Step& s) override;

private:
    std::shared_ptr<FeatureExtractor> vgg_;
    std::string inputs_mode_;
};

}  // namespace disent::frameworks
