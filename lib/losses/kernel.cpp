#include "losses/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"
#include "losses/recon_loss_name.hpp"

namespace disent::losses {
namespace {

// Outer product of a 1-D kernel with itself, built in double and stored as float32, with its factors.
Kernel separable_2d(const std::vector<double>& taps) {
    const auto n = static_cast<int64_t>(taps.size());
    auto k1 = torch::tensor(taps, torch::kFloat64);
    Kernel k(torch::outer(k1, k1).to(torch::kFloat32).reshape({1, 1, n, n}).contiguous());
    k.col = k1.to(torch::kFloat32);
    k.row = k.col.clone();
    return k;
}

// The divisor of normalisation `mode`, computed in double so that the check for zero is meaningful.
double norm_divisor(const torch::Tensor& kernel, const std::string& mode) {
    const auto k = kernel.to(torch::kFloat64);
    const double pos = k.clamp_min(0).sum().item<double>();
    const double neg = -k.clamp_max(0).sum().item<double>();
    double div = 0.0;
    if (mode == "none") div = 1.0;
    else if (mode == "sum") div = k.sum().item<double>();
    else if (mode == "abssum") div = pos + neg;
    else if (mode == "possum") div = pos;
    else if (mode == "negsum") div = neg;
    else if (mode == "maxsum") div = std::max(pos, neg);
    else
        throw UserError("unknown kernel normalisation mode '" + mode +
                        "'; expected one of sum, abssum, possum, negsum, maxsum, none");
    if (div == 0.0 || !std::isfinite(div))
        throw UserError("kernel normalisation '" + mode + "' divides by zero for this kernel");
    return div;
}

}  // namespace

Kernel make_box_kernel(int64_t radius) {
    if (radius < 0) throw std::invalid_argument("make_box_kernel: radius must be >= 0");
    const int64_t n = 2 * radius + 1;
    return separable_2d(std::vector<double>(static_cast<size_t>(n), 1.0 / static_cast<double>(n)));
}

Kernel make_gaussian_kernel(double sigma, double truncate) {
    if (!(sigma > 0.0) || !(truncate > 0.0))
        throw std::invalid_argument("make_gaussian_kernel: sigma and truncate must be > 0");
    // Same radius rule as scipy / disent: int(truncate*sigma + 0.5).
    const auto radius = static_cast<int64_t>(truncate * sigma + 0.5);
    const double kPi = 3.14159265358979323846;
    const double norm = std::sqrt(2.0 * kPi) * sigma;
    std::vector<double> taps;
    for (int64_t t = -radius; t <= radius; ++t)
        taps.push_back(std::exp(-static_cast<double>(t * t) / (2.0 * sigma * sigma)) / norm);
    return separable_2d(taps);
}

Kernel make_kernel(const std::string& name) {
    const KernelName k = parse_kernel_name(name);  // UserError for unknown names
    if (k.kind == "box") return make_box_kernel(k.radius);
    return make_gaussian_kernel(static_cast<double>(k.radius) / 4.0, 4.0);
}

void check_kernel(const torch::Tensor& kernel) {
    if (kernel.dim() != 4 || kernel.size(0) != 1 || kernel.size(1) != 1)
        throw std::invalid_argument("kernel must have shape (1, 1, kh, kw), got " + c10::str(kernel.sizes()));
    if (kernel.size(2) % 2 == 0 || kernel.size(3) % 2 == 0)
        throw std::invalid_argument("kernel height and width must be odd, got " + c10::str(kernel.sizes()));
}

torch::Tensor normalize_kernel(const torch::Tensor& kernel, const std::string& mode) {
    if (mode == "none") return kernel.clone();
    return (kernel.to(torch::kFloat64) / norm_divisor(kernel, mode)).to(kernel.scalar_type());
}

Kernel normalize_kernel(const Kernel& kernel, const std::string& mode) {
    Kernel out(normalize_kernel(kernel.dense, mode));
    if (kernel.separable()) {
        out.col = kernel.col.clone();
        out.row = (kernel.row.to(torch::kFloat64) / norm_divisor(kernel.dense, mode)).to(kernel.row.scalar_type());
    }
    return out;
}

}  // namespace disent::losses
