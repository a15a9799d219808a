#include "train/radam.hpp"

#include <cmath>

namespace disent::train {

namespace {
constexpr int64_t kKind = 2;  // archive tag (FlatAdam is 1): a checkpoint of another optimiser is rejected
}

RAdam::RAdam(std::vector<torch::Tensor> params, RAdamOptions options)
    : MomentOptimizer(std::move(params), "RAdam", kKind, "exp_avg", "exp_avg_sq"), opt_(options) {}

void RAdam::step() {
    torch::NoGradGuard no_grad;
    const double b1 = opt_.beta1, b2 = opt_.beta2, lr = opt_.lr;
    const double rho_inf = 2 / (1 - b2) - 1;
    for (size_t i = 0; i < params_.size(); ++i) {
        torch::Tensor& p = params_[i];
        if (!p.grad().defined()) continue;
        torch::Tensor& exp_avg = first_[i];
        torch::Tensor& exp_avg_sq = second_[i];
        const double t = static_cast<double>(++steps_[i]);
        const double bc1 = 1 - std::pow(b1, t);
        const double bc2 = 1 - std::pow(b2, t);
        torch::Tensor g = opt_.weight_decay != 0 ? p.grad().add(p, opt_.weight_decay) : p.grad();
        exp_avg.mul_(b1).add_(g, 1 - b1);
        exp_avg_sq.mul_(b2).addcmul_(g, g, 1 - b2);
        torch::Tensor m_hat = exp_avg / bc1;
        const double rho_t = rho_inf - 2 * t * std::pow(b2, t) / bc2;
        if (rho_t > 5.) {
            const double rect = std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
            // Python's `float / tensor` is `tensor.reciprocal() * float`; the same here for identical rounding
            torch::Tensor adaptive_lr = exp_avg_sq.sqrt().add_(opt_.eps).reciprocal_().mul_(std::sqrt(bc2));
            p.add_(m_hat * lr * adaptive_lr * rect, -1.0);
        } else {
            p.add_(m_hat * lr, -1.0);
        }
    }
}

}  // namespace disent::train
