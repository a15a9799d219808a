#include "data/pil_resize.hpp"

#include <cmath>

namespace disent::data {

namespace {
constexpr int kPrecisionBits = 32 - 8 - 2;

double triangle(double x) {
    if (x < 0.0) x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

inline uint8_t clip8(int64_t v) {
    v >>= kPrecisionBits;
    return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}
}  // namespace

ResampleCoeffs pil_bilinear_coeffs(int in_size, int out_size) {
    ResampleCoeffs rc;
    const double scale = static_cast<double>(in_size) / out_size;
    const double filterscale = scale < 1.0 ? 1.0 : scale;
    const double support = 1.0 * filterscale;  // bilinear support is 1
    const double ss = 1.0 / filterscale;
    for (int xx = 0; xx < out_size; ++xx) {
        const double center = (xx + 0.5) * scale;
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;
        std::vector<double> w(static_cast<size_t>(xmax));
        double ww = 0.0;
        for (int x = 0; x < xmax; ++x) {
            w[static_cast<size_t>(x)] = triangle((x + xmin - center + 0.5) * ss);
            ww += w[static_cast<size_t>(x)];
        }
        std::vector<int32_t> k(static_cast<size_t>(xmax));
        for (int x = 0; x < xmax; ++x) {
            const double v = ww != 0.0 ? w[static_cast<size_t>(x)] / ww : w[static_cast<size_t>(x)];
            k[static_cast<size_t>(x)] = static_cast<int32_t>(v < 0 ? -0.5 + v * (1 << kPrecisionBits)
                                                                   : 0.5 + v * (1 << kPrecisionBits));
        }
        rc.start.push_back(xmin);
        rc.k.push_back(std::move(k));
    }
    return rc;
}

void pil_bilinear_resize(const uint8_t* in, int in_h, int in_w, int c, uint8_t* out, int out_h, int out_w) {
    // horizontal pass (in_h, out_w, c), then vertical pass (out_h, out_w, c), as Pillow does
    std::vector<uint8_t> tmp;
    const uint8_t* src = in;
    int cur_w = in_w;
    if (out_w != in_w) {
        const ResampleCoeffs h = pil_bilinear_coeffs(in_w, out_w);
        tmp.resize(static_cast<size_t>(in_h) * out_w * c);
        for (int y = 0; y < in_h; ++y)
            for (int x = 0; x < out_w; ++x) {
                const auto& k = h.k[static_cast<size_t>(x)];
                const int x0 = h.start[static_cast<size_t>(x)];
                for (int ch = 0; ch < c; ++ch) {
                    int64_t acc = int64_t{1} << (kPrecisionBits - 1);
                    for (size_t i = 0; i < k.size(); ++i)
                        acc += int64_t{in[(static_cast<size_t>(y) * in_w + x0 + i) * c + ch]} * k[i];
                    tmp[(static_cast<size_t>(y) * out_w + x) * c + ch] = clip8(acc);
                }
            }
        src = tmp.data();
        cur_w = out_w;
    }
    if (out_h == in_h) {
        std::copy(src, src + static_cast<size_t>(in_h) * cur_w * c, out);
        return;
    }
    const ResampleCoeffs v = pil_bilinear_coeffs(in_h, out_h);
    for (int y = 0; y < out_h; ++y) {
        const auto& k = v.k[static_cast<size_t>(y)];
        const int y0 = v.start[static_cast<size_t>(y)];
        for (int x = 0; x < cur_w; ++x)
            for (int ch = 0; ch < c; ++ch) {
                int64_t acc = int64_t{1} << (kPrecisionBits - 1);
                for (size_t i = 0; i < k.size(); ++i)
                    acc += int64_t{src[((static_cast<size_t>(y0) + i) * cur_w + x) * c + ch]} * k[i];
                out[(static_cast<size_t>(y) * cur_w + x) * c + ch] = clip8(acc);
            }
    }
}

}  // namespace disent::data
