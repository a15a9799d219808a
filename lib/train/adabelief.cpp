#include "train/adabelief.hpp"

#include <cmath>

namespace disent::train {

namespace {
constexpr int64_t kKind = 3;  // archive tag (FlatAdam 1, RAdam 2): a checkpoint of another optimiser is rejected
}

AdaBelief::AdaBelief(std::vector<torch::Tensor> params, AdaBeliefOptions options)
    : MomentOptimizer(std::move(params), "AdaBelief", kKind, "exp_avg", "exp_avg_var"), opt_(options) {}

void AdaBelief::step() {
    torch::NoGradGuard no_grad;
    const double b1 = opt_.beta1, b2 = opt_.beta2, lr = opt_.lr, wd = opt_.weight_decay;
    for (size_t i = 0; i < params_.size(); ++i) {
        torch::Tensor& p = params_[i];
        if (!p.grad().defined()) continue;
        torch::Tensor& exp_avg = first_[i];
        torch::Tensor& exp_avg_var = second_[i];
        torch::Tensor g = p.grad();
        if (opt_.decoupled_weight_decay) {
            if (wd != 0) p.mul_(1 - lr * wd);
        } else if (wd != 0) {
            g = g.add(p, wd);
        }
        const double t = static_cast<double>(++steps_[i]);
        const double bc1 = 1 - std::pow(b1, t);
        const double bc2 = 1 - std::pow(b2, t);
        exp_avg.mul_(b1).add_(g, 1 - b1);
        torch::Tensor residual = g - exp_avg;  // g_t - m_t: the new mean, as in Algorithm 2
        exp_avg_var.mul_(b2).addcmul_(residual, residual, 1 - b2).add_(opt_.eps);
        torch::Tensor denom = (exp_avg_var.sqrt() / std::sqrt(bc2)).add_(opt_.eps);
        p.addcdiv_(exp_avg, denom, -lr / bc1);
    }
}

}  // namespace disent::train
