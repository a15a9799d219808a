#include "losses/conv2d.hpp"

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <algorithm>
#include <stdexcept>

#include "losses/kernel.hpp"

namespace disent::losses {
namespace {

void check_signal(const torch::Tensor& x, const char* fn) {
    if (x.dim() != 3 && x.dim() != 4)
        throw std::invalid_argument(std::string(fn) + ": expected a (B, C, H, W) or (C, H, W) tensor, got " +
                                    c10::str(x.sizes()));
}

// (n, n) matrix A with A[i][j] = taps[i - j + c] inside the band, 0 outside, c the centre tap: A·v is the
// true convolution of v with taps, "same" size, zero padded. Built with device ops only (capturable).
torch::Tensor banded_conv_matrix(int64_t n, const torch::Tensor& taps) {
    const int64_t k = taps.size(0), c = (k - 1) / 2;
    const auto i = torch::arange(n, torch::TensorOptions().dtype(torch::kLong).device(taps.device()));
    const auto d = i.unsqueeze(1) - i.unsqueeze(0) + c;
    const auto inside = d.ge(0).logical_and(d.lt(k));
    return torch::where(inside, taps.index({d.clamp(0, k - 1)}), torch::zeros({}, taps.options()));
}

}  // namespace

torch::Tensor conv2d_channel_wise_separable(const torch::Tensor& x, const torch::Tensor& col, const torch::Tensor& row) {
    check_signal(x, "conv2d_channel_wise_separable");
    if (col.dim() != 1 || row.dim() != 1 || col.size(0) % 2 == 0 || row.size(0) % 2 == 0)
        throw std::invalid_argument("conv2d_channel_wise_separable: taps must be 1-D of odd length, got " +
                                    c10::str(col.sizes()) + " and " + c10::str(row.sizes()));
    // In x's dtype even under bf16 autocast, like the FFT: a 63-tap sum in bf16 would keep ~2 digits.
    c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::autocast_dispatch_keyset);
    const int64_t H = x.size(-2), W = x.size(-1), images = x.numel() / std::max<int64_t>(1, H * W);
    const auto a_w = banded_conv_matrix(W, row.to(x.device(), x.scalar_type()));
    const auto a_h = banded_conv_matrix(H, col.to(x.device(), x.scalar_type()));
    // Rows: every image row times A_wᵀ. Columns: the transposed images' rows times A_hᵀ.
    auto y = torch::matmul(x.reshape({images * H, W}), a_w.t()).reshape({images, H, W});
    y = torch::matmul(y.transpose(1, 2).reshape({images * W, H}), a_h.t()).reshape({images, W, H}).transpose(1, 2);
    return y.reshape(x.sizes());
}

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
