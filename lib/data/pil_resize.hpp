#pragma once
// PIL's BILINEAR resize (Pillow's separable resampling, libImaging/Resample.c semantics): a triangle
// filter whose support is scaled by the reduction factor (antialiased downscaling), weights normalised
// per output pixel and converted to 22-bit fixed point, horizontal pass first, each pass rounding to uint8.
// For 128 -> 64 the taps are [1/8, 3/8, 3/8, 1/8] (renormalised at the borders).
#include <cstdint>
#include <vector>

namespace disent::data {

// Resize an interleaved uint8 (in_h, in_w, c) image to (out_h, out_w, c).
void pil_bilinear_resize(const uint8_t* in, int in_h, int in_w, int c, uint8_t* out, int out_h, int out_w);

// Per output pixel: first input index and fixed-point weights (exposed for tests).
struct ResampleCoeffs {
    std::vector<int> start;                // first input index per output pixel
    std::vector<std::vector<int32_t>> k;   // fixed-point weights (sum ~ 2^22)
};
ResampleCoeffs pil_bilinear_coeffs(int in_size, int out_size);

}  // namespace disent::data
