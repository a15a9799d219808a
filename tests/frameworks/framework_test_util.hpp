#pragma once
// Small helpers shared by the framework tests: row tensors, a framework's parameters with overrides, and
// a tiny linear autoencoder on 1×2×2 images.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "frameworks/framework.hpp"
#include "models/autoencoder.hpp"

namespace disent::fwtest {

// One row (1, N) of floats.
inline torch::Tensor row(std::vector<float> v) { return torch::tensor(v).view({1, -1}); }

// Defaults of a registered framework with some keys overridden (validated).
inline Params fw_params(const std::string& name, const std::map<std::string, std::string>& ov = {}) {
    frameworks::register_all();
    return make_params(frameworks::framework_registry().get(name).info.params, ov);
}

// `linear` model on 1×2×2 images with z latent units (z·zmul encoder outputs), seeded weights.
inline models::AutoEncoder linear_model(int64_t zmul, int64_t z = 2) {
    models::register_all();
    auto p = make_params(models::model_registry().get("linear").info.params, {{"z_size", std::to_string(z)}});
    torch::manual_seed(0);
    return models::make_model("linear", p, 1, 2, 2, zmul);
}

// Number of observations the sampler feeds for a framework's input mode.
inline int observations_of(const std::string& input_mode) {
    return input_mode == "single" ? 1 : input_mode == "pair" ? 2 : input_mode == "triplet" ? 3 : -1;
}

}  // namespace disent::fwtest
