#pragma once
// Encoder/decoder pairs (spec §4). The encoder emits z_size * z_multiplier numbers ([mu | logvar] for
// VAEs); the decoder emits the un-activated ("partial") reconstruction, the recon loss activates it.
#include <torch/torch.h>

#include <functional>
#include <string>

#include "core/registry.hpp"

namespace disent::models {

struct ModelShape {
    int64_t channels = 3, height = 64, width = 64;
    int64_t z_size = 9;
    int64_t z_multiplier = 1;  // 1 for AEs, 2 for VAEs
};

class AutoEncoderImpl : public torch::nn::Module {
public:
    AutoEncoderImpl(torch::nn::Sequential encoder, torch::nn::Sequential decoder, ModelShape shape);
    torch::Tensor encode(const torch::Tensor& x);   // (B, z_size * z_multiplier)
    torch::Tensor decode(const torch::Tensor& z);   // (B, C, H, W), not activated
    const ModelShape& shape() const { return shape_; }

    torch::nn::Sequential encoder{nullptr}, decoder{nullptr};

private:
    ModelShape shape_;
};
TORCH_MODULE(AutoEncoder);

using ModelFactory = std::function<AutoEncoder(const Params&, ModelShape)>;
Registry<ModelFactory>& model_registry();
void register_all();

// Builds a registered model: z_size from params, weights initialised with params' weight_init.
AutoEncoder make_model(const std::string& name, const Params& params, int64_t channels, int64_t height,
                       int64_t width, int64_t z_multiplier);

// Spec §4.5: Linear/Conv2d/ConvTranspose2d weights by `mode`, biases zero; "default" keeps PyTorch's init.
void init_weights(torch::nn::Module& module, const std::string& mode);
const std::vector<std::string>& weight_init_modes();

}  // namespace disent::models
