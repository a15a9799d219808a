#pragma once
// The optimiser interface the trainer and checkpoints use. Our own (not torch::optim::Optimizer) so that
// an optimiser can keep its state in flat device buffers and run inside a CUDA graph.
#include <torch/torch.h>

#include <memory>

namespace disent::train {

class Optimizer {
public:
    virtual ~Optimizer() = default;
    virtual void zero_grad() = 0;
    virtual void step() = 0;
    virtual void save(torch::serialize::OutputArchive& archive) const = 0;
    virtual void load(torch::serialize::InputArchive& archive) = 0;
    // True when step() and zero_grad() launch only device work (no host reads): CUDA-graph safe.
    virtual bool capturable() const { return false; }
    // Ask for device-side step counting (for CUDA graphs); returns false if unsupported.
    virtual bool make_capturable() { return false; }
};

// Adapter for LibTorch's own optimisers.
class TorchOptimizer : public Optimizer {
public:
    explicit TorchOptimizer(std::unique_ptr<torch::optim::Optimizer> opt) : opt_(std::move(opt)) {}
    void zero_grad() override { opt_->zero_grad(); }
    void step() override { opt_->step(); }
    void save(torch::serialize::OutputArchive& archive) const override { opt_->save(archive); }
    void load(torch::serialize::InputArchive& archive) override { opt_->load(archive); }

private:
    std::unique_ptr<torch::optim::Optimizer> opt_;
};

}  // namespace disent::train
