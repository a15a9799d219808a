#include "models/autoencoder.hpp"

#include "core/error.hpp"

namespace disent::models {

AutoEncoderImpl::AutoEncoderImpl(torch::nn::Sequential enc, torch::nn::Sequential dec, ModelShape shape)
    : shape_(shape) {
    encoder = register_module("encoder", std::move(enc));
    decoder = register_module("decoder", std::move(dec));
}

torch::Tensor AutoEncoderImpl::encode(const torch::Tensor& x) { return encoder->forward(x); }

torch::Tensor AutoEncoderImpl::decode(const torch::Tensor& z) { return decoder->forward(z); }

Registry<ModelFactory>& model_registry() {
    static Registry<ModelFactory> r("model");
    return r;
}

const std::vector<std::string>& weight_init_modes() {
    static const std::vector<std::string> modes = {"xavier_normal", "xavier_uniform", "xavier_normal__0.1",
                                                   "kaiming_normal", "kaiming_uniform", "kaiming_normal__fan_out",
                                                   "orthogonal", "normal", "normal__0.1", "normal__0.01",
                                                   "normal__0.001", "default"};
    return modes;
}

void init_weights(torch::nn::Module& module, const std::string& mode) {
    if (mode == "default") return;
    torch::NoGradGuard no_grad;
    for (auto& m : module.modules(/*include_self=*/true)) {
        const bool layer = m->as<torch::nn::Linear>() || m->as<torch::nn::Conv2d>() || m->as<torch::nn::ConvTranspose2d>();
        if (!layer) continue;
        auto params = m->named_parameters(/*recurse=*/false);
        torch::Tensor w = params["weight"];
        namespace init = torch::nn::init;
        if (mode == "xavier_normal") init::xavier_normal_(w, 1.0);
        else if (mode == "xavier_uniform") init::xavier_uniform_(w, 1.0);
        else if (mode == "xavier_normal__0.1") init::xavier_normal_(w, 0.1);
        else if (mode == "kaiming_normal") init::kaiming_normal_(w, 0.0, torch::kFanIn, torch::kReLU);
        else if (mode == "kaiming_uniform") init::kaiming_uniform_(w, 0.0, torch::kFanIn, torch::kReLU);
        else if (mode == "kaiming_normal__fan_out") init::kaiming_normal_(w, 0.0, torch::kFanOut, torch::kReLU);
        else if (mode == "orthogonal") init::orthogonal_(w, 1.0);
        else if (mode == "normal") init::normal_(w, 0.0, 1.0);
        else if (mode == "normal__0.1") init::normal_(w, 0.0, 0.1);
        else if (mode == "normal__0.01") init::normal_(w, 0.0, 0.01);
        else if (mode == "normal__0.001") init::normal_(w, 0.0, 0.001);
        else throw UserError("unknown weight_init '" + mode + "'");
        if (params.contains("bias")) params["bias"].zero_();
    }
}

AutoEncoder make_model(const std::string& name, const Params& params, int64_t channels, int64_t height,
                       int64_t width, int64_t z_multiplier) {
    register_all();
    const auto& entry = model_registry().get(name);
    ModelShape shape{channels, height, width, params.get_int("z_size"), z_multiplier};
    AutoEncoder model = entry.make(params, shape);
    init_weights(*model, params.get_string("weight_init"));
    return model;
}

}  // namespace disent::models
