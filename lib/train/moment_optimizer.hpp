#pragma once
// The state shared by the per-tensor two-moment optimisers (RAdam, AdaBelief): the parameters, two moment
// buffers per parameter tensor (zeros like the tensor, memory format preserved) and a step count per tensor,
// with zero_grad and the checkpoint layout they all use:
//   "kind"             int64 tag of the optimiser (FlatAdam 1, RAdam 2, AdaBelief 3): another one's state is rejected
//   "step"             int64 tensor, one step count per parameter tensor
//   "<first>.<i>"      first moment of tensor i   (e.g. "exp_avg.0")
//   "<second>.<i>"     second moment of tensor i  (e.g. "exp_avg_sq.0" or "exp_avg_var.0")
// A derived class implements step() only.
#include <string>
#include <vector>

#include "train/optimizer.hpp"

namespace disent::train {

class MomentOptimizer : public Optimizer {
public:
    void zero_grad() override;
    void save(torch::serialize::OutputArchive& archive) const override;
    void load(torch::serialize::InputArchive& archive) override;
    const std::vector<int64_t>& steps_taken() const { return steps_; }

protected:
    // `name` prefixes the error messages; `kind` is the archive tag; `first_name`/`second_name` name the buffers.
    MomentOptimizer(std::vector<torch::Tensor> params, std::string name, int64_t kind, std::string first_name,
                    std::string second_name);

    std::vector<torch::Tensor> params_, first_, second_;  // first_/second_: the two moment buffers per tensor
    std::vector<int64_t> steps_;

private:
    std::string name_;
    int64_t kind_;
    std::string first_name_, second_name_;
};

}  // namespace disent::train
