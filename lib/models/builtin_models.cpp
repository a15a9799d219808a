// The built-in encoder/decoder pairs of disent (spec §4.1, §4.3, §4.4).
#include <torch/torch.h>

#include "core/error.hpp"
#include "models/autoencoder.hpp"

namespace disent::models {
namespace {

namespace nn = torch::nn;

ParamTable common_params() {
    ParamSpec init{"weight_init", ParamType::String, "xavier_normal",
                   "weight initialisation of Linear/Conv layers (biases are zeroed)"};
    init.choices = weight_init_modes();
    return {{"z_size", ParamType::Int, "9", "number of latent units", 1.0, 4096.0}, init};
}

nn::Conv2d conv(int64_t in, int64_t out) { return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(2)); }
nn::ConvTranspose2d deconv(int64_t in, int64_t out) {
    return nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1));
}

// disent's EncoderConv64/DecoderConv64: padding 2 gives 64→33→17→9→5, so the flatten is 64·5·5 = 1600.
AutoEncoder make_conv64(const Params&, ModelShape s) {
    if (s.height != 64 || s.width != 64)
        throw UserError("model 'conv64' needs 64x64 images, the dataset gives " + std::to_string(s.height) + "x" +
                        std::to_string(s.width) + " (use model.name=fc or linear)");
    nn::Sequential enc(conv(s.channels, 32), nn::ReLU(), conv(32, 32), nn::ReLU(), conv(32, 64), nn::ReLU(),
                       conv(64, 64), nn::ReLU(), nn::Flatten(), nn::Linear(1600, 256), nn::ReLU(),
                       nn::Linear(256, s.z_size * s.z_multiplier));
    nn::Sequential dec(nn::Linear(s.z_size, 256), nn::ReLU(), nn::Linear(256, 1024), nn::ReLU(),
                       nn::Unflatten(nn::UnflattenOptions(1, {64, 4, 4})), deconv(64, 64), nn::ReLU(),
                       deconv(64, 32), nn::ReLU(), deconv(32, 32), nn::ReLU(), deconv(32, s.channels));
    return AutoEncoder(enc, dec, s);
}

AutoEncoder make_fc(const Params&, ModelShape s) {
    const int64_t d = s.channels * s.height * s.width;
    nn::Sequential enc(nn::Flatten(), nn::Linear(d, 1200), nn::ReLU(), nn::Linear(1200, 1200), nn::ReLU(),
                       nn::Linear(1200, s.z_size * s.z_multiplier));
    nn::Sequential dec(nn::Linear(s.z_size, 1200), nn::Tanh(), nn::Linear(1200, 1200), nn::Tanh(),
                       nn::Linear(1200, 1200), nn::Tanh(), nn::Linear(1200, d),
                       nn::Unflatten(nn::UnflattenOptions(1, {s.channels, s.height, s.width})));
    return AutoEncoder(enc, dec, s);
}

AutoEncoder make_linear(const Params&, ModelShape s) {
    const int64_t d = s.channels * s.height * s.width;
    nn::Sequential enc(nn::Flatten(), nn::Linear(d, s.z_size * s.z_multiplier));
    nn::Sequential dec(nn::Linear(s.z_size, d), nn::Unflatten(nn::UnflattenOptions(1, {s.channels, s.height, s.width})));
    return AutoEncoder(enc, dec, s);
}

}  // namespace

void register_all() {
    auto& r = model_registry();
    if (!r.empty()) return;
    r.add({"", "conv64", "disent's conv64 encoder/decoder (4 conv k4 s2 p2 → 1600 → 256; 64x64 images only)", common_params()},
          make_conv64);
    r.add({"", "fc", "fully connected 1200-1200 encoder, tanh 1200x3 decoder (any image size)", common_params()}, make_fc);
    r.add({"", "linear", "a single linear layer each way (any image size; for tests)", common_params()}, make_linear);
}

}  // namespace disent::models
