#pragma once
// RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), with the arithmetic
// of torch.optim.RAdam (torch 1.13, single-tensor path) operation for operation, so results match PyTorch:
//   g <- g + wd * p                                   (L2 penalty, when weight_decay != 0)
//   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
//   m_hat = m / (1 - b1^t)
//   rho_inf = 2 / (1 - b2) - 1;   rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
//   rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//               p <- p - m_hat * lr * (sqrt(1 - b2^t) / (sqrt(v) + eps)) * r
//   otherwise:  p <- p - m_hat * lr              (variance not yet tractable: un-adapted momentum SGD)
// State is per parameter tensor, as in torch (a tensor without a gradient is skipped and keeps its step).
#include "train/moment_optimizer.hpp"

namespace disent::train {

struct RAdamOptions {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
};

// Checkpoint: kind 2, moments "exp_avg.<i>" and "exp_avg_sq.<i>" (see MomentOptimizer).
class RAdam : public MomentOptimizer {
public:
    RAdam(std::vector<torch::Tensor> params, RAdamOptions options);
    void step() override;

private:
    RAdamOptions opt_;
};

}  // namespace disent::train
