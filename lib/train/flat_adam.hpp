#pragma once
// Adam over one flat buffer. The model's parameters (and their gradients) become views into a single
// contiguous tensor, so the whole update is a handful of elementwise kernels (or one fused kernel on
// CUDA with LibTorch >= 2) instead of several per parameter tensor. The arithmetic is exactly that of
// torch::optim::Adam (same operations per element), so CPU results are unchanged. In capturable mode
// the step count and bias corrections live on the device, so the update can be replayed in a CUDA graph.
#include "train/optimizer.hpp"

namespace disent::train {

struct FlatAdamOptions {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    bool fused = true;  // use LibTorch's fused CUDA kernel where available
};

class FlatAdam : public Optimizer {
public:
    FlatAdam(const std::vector<torch::Tensor>& params, FlatAdamOptions options);
    void zero_grad() override { grad_.zero_(); }
    void step() override;
    void save(torch::serialize::OutputArchive& archive) const override;
    void load(torch::serialize::InputArchive& archive) override;
    bool capturable() const override { return capturable_; }
    bool make_capturable() override;
    int64_t steps_taken() const;
    bool uses_fused_kernel() const;

private:
    FlatAdamOptions opt_;
    std::vector<torch::Tensor> params_;
    torch::Tensor flat_, grad_, exp_avg_, exp_avg_sq_;
    int64_t step_ = 0;          // host step count (eager mode)
    torch::Tensor step_t_;      // device step count (capturable mode), float32
    bool capturable_ = false;
};

}  // namespace disent::train
