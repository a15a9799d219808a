#include "data/norm_stats.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace disent::data {

NormConstants image_norm_constants(const GroundTruthData& data, const std::vector<int64_t>& indices) {
    const int C = data.channels();
    const int64_t n = static_cast<int64_t>(data.height()) * data.width();
    if (n < 2) throw std::invalid_argument("image_norm_constants: images need at least 2 pixels for an unbiased std");
    const int64_t count = indices.empty() ? data.states().size() : static_cast<int64_t>(indices.size());
    std::vector<uint8_t> img(static_cast<size_t>(data.obs_bytes()));
    std::vector<long double> sum_mean(C, 0.0L), sum_std(C, 0.0L);
    for (int64_t k = 0; k < count; ++k) {
        data.render(indices.empty() ? k : indices[static_cast<size_t>(k)], img.data());
        for (int c = 0; c < C; ++c) {
            // integer sums are exact; the per-image statistics follow from them
            int64_t s1 = 0, s2 = 0;
            for (int64_t p = 0; p < n; ++p) {
                const int64_t v = img[static_cast<size_t>(p * C + c)];
                s1 += v;
                s2 += v * v;
            }
            const long double mean = static_cast<long double>(s1) / (255.0L * n);
            const long double var =
                (static_cast<long double>(s2) - static_cast<long double>(s1) * s1 / n) / (255.0L * 255.0L * (n - 1));
            sum_mean[c] += mean;
            sum_std[c] += std::sqrt(std::max(var, 0.0L));
        }
    }
    NormConstants out;
    for (int c = 0; c < C; ++c) {
        out.mean.push_back(static_cast<double>(sum_mean[c] / count));
        out.std.push_back(static_cast<double>(sum_std[c] / count));
    }
    return out;
}

void binary_channel_constants(const std::map<int64_t, long double>& area_hist, int64_t pixels, double value,
                              double& mean, double& std) {
    if (pixels < 2) throw std::invalid_argument("binary_channel_constants: need at least 2 pixels");
    long double total = 0, sum_a = 0, sum_s = 0;
    const long double n = static_cast<long double>(pixels);
    for (const auto& [A, w] : area_hist) {
        const long double a = static_cast<long double>(A);
        total += w;
        sum_a += w * a;
        sum_s += w * std::sqrt(a * (n - a) / (n * (n - 1)));
    }
    if (total <= 0) throw std::invalid_argument("binary_channel_constants: empty histogram");
    mean = static_cast<double>(value * (sum_a / (total * n)));
    std = static_cast<double>(value * (sum_s / total));
}

}  // namespace disent::data
