#include "losses/conv2d.hpp"

#include <stdexcept>

#include "losses/kernel.hpp"

namespace disent::losses {
namespace {

void check_signal(const torch::Tensor& x, const char* fn) {
    if (x.dim() != 3 && x.dim() != 4)
        throw std::invalid_argument(std::string(fn) + ": expected a (B, C, H, W) or (C, H, W) tensor, got " +
                                    c10::str(x.sizes()));
}

}  // namespace

torch::Tensor conv2d_channel_wise_fft(const torch::Tensor& x, const torch::Tensor& k) {
    check_signal(x, "conv2d_channel_wise_fft");
    check_kernel(k);
    if (x.dim() == 3) return conv2d_channel_wise_fft(x.unsqueeze(0), k).squeeze(0);
    const int64_t H = x.size(2), W = x.size(3), kh = k.size(2), kw = k.size(3);
    // Padding both to the full linear-convolution size (H+kh-1, W+kw-1) makes the circular FFT product
    // equal to the zero-padded linear convolution: no wrap-around.
    const std::vector<int64_t> full{H + kh - 1, W + kw - 1};
    const auto kk = k.to(x.device(), x.scalar_type());
    const auto fx = torch::fft::rfft2(x, torch::IntArrayRef(full));
    const auto fk = torch::fft::rfft2(kk, torch::IntArrayRef(full));
    // irfft2 needs the explicit size: the last dim's length is ambiguous from the half spectrum.
    const auto y = torch::fft::irfft2(fx * fk, torch::IntArrayRef(full));
    // Crop the centred "same" window (the kernel centre sits at offset (kh-1)/2, (kw-1)/2).
    return y.narrow(2, (kh - 1) / 2, H).narrow(3, (kw - 1) / 2, W);
}

torch::Tensor conv2d_channel_wise(const torch::Tensor& x, const torch::Tensor& k) {
    check_signal(x, "conv2d_channel_wise");
    check_kernel(k);
    if (x.dim() == 3) return conv2d_channel_wise(x.unsqueeze(0), k).squeeze(0);
    const int64_t B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    const auto kk = k.to(x.device(), x.scalar_type());
    const auto y = torch::conv2d(x.reshape({B * C, 1, H, W}), kk, /*bias=*/{}, /*stride=*/1,
                                 /*padding=*/torch::IntArrayRef({k.size(2) / 2, k.size(3) / 2}));
    return y.reshape({B, C, H, W});
}

}  // namespace disent::losses
