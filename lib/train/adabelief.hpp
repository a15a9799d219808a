#pragma once
// AdaBelief (Zhuang et al. 2020, NeurIPS, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
// Gradients"), Algorithm 2 of the paper without AMSGrad and without rectification. Per element, step t:
//   decoupled weight decay:  p <- p (1 - lr wd)       otherwise (L2):  g <- g + wd p
//   m <- b1 m + (1 - b1) g
//   s <- b2 s + (1 - b2) (g - m)^2 + eps             (the "belief": variance of g around its EMA; note +eps)
//   p <- p - lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
// The operations are ordered as in torch_optimizer.AdaBelief / adabelief-pytorch (non-rectified path):
//   denom = sqrt(s) / sqrt(1 - b2^t) + eps;  p.addcdiv_(m, denom, -lr / (1 - b1^t)).
// State is per parameter tensor (a tensor without a gradient is skipped and keeps its step).
#include "train/moment_optimizer.hpp"

namespace disent::train {

struct AdaBeliefOptions {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    bool decoupled_weight_decay = false;
};

// Checkpoint: kind 3, moments "exp_avg.<i>" and "exp_avg_var.<i>" (see MomentOptimizer).
class AdaBelief : public MomentOptimizer {
public:
    AdaBelief(std::vector<torch::Tensor> params, AdaBeliefOptions options);
    void step() override;

private:
    AdaBeliefOptions opt_;
};

}  // namespace disent::train
