#pragma once
// Channel-wise 2-D convolution with one fixed kernel (spec §2.3 "Convolution").
#include <torch/torch.h>

namespace disent::losses {

// True (flipped-kernel) linear convolution of every channel of x, "same" output size, zero padding,
// computed with real FFTs. x: (B, C, H, W) or (C, H, W); k: (1, 1, kh, kw) with odd kh, kw, broadcast
// over batch and channels. The kernel is cast to x's dtype and device.
torch::Tensor conv2d_channel_wise_fft(const torch::Tensor& x, const torch::Tensor& k);

// Direct spatial version: channels become separate images, torch conv2d with padding (kh/2, kw/2).
// Like upstream this is a cross-correlation, so it equals the FFT version for symmetric kernels
// (all registry kernels) and for asymmetric ones only after flipping the kernel.
torch::Tensor conv2d_channel_wise(const torch::Tensor& x, const torch::Tensor& k);

}  // namespace disent::losses
