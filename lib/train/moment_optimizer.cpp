#include "train/moment_optimizer.hpp"

#include <stdexcept>

#include "core/error.hpp"

namespace disent::train {

MomentOptimizer::MomentOptimizer(std::vector<torch::Tensor> params, std::string name, int64_t kind,
                                 std::string first_name, std::string second_name)
    : params_(std::move(params)),
      name_(std::move(name)),
      kind_(kind),
      first_name_(std::move(first_name)),
      second_name_(std::move(second_name)) {
    if (params_.empty()) throw std::logic_error(name_ + ": no parameters");
    for (const auto& p : params_) {
        first_.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        second_.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    }
    steps_.assign(params_.size(), 0);
}

void MomentOptimizer::zero_grad() {
    // as torch::optim::Optimizer::zero_grad in LibTorch 1.13: zero in place, keep the buffers
    for (auto& p : params_) {
        if (p.mutable_grad().defined()) {
            p.mutable_grad().detach_();
            p.mutable_grad().zero_();
        }
    }
}

void MomentOptimizer::save(torch::serialize::OutputArchive& ar) const {
    ar.write("kind", torch::tensor(kind_));
    ar.write("step", torch::tensor(steps_));
    // copies: the archive keeps a reference to what it is given until it is written out
    for (size_t i = 0; i < params_.size(); ++i) {
        ar.write(first_name_ + "." + std::to_string(i), first_[i].to(torch::kCPU, false, true));
        ar.write(second_name_ + "." + std::to_string(i), second_[i].to(torch::kCPU, false, true));
    }
}

void MomentOptimizer::load(torch::serialize::InputArchive& ar) {
    const auto mismatch = [this] {
        return UserError(name_ + " state in the checkpoint does not match this model's parameters");
    };
    torch::Tensor kind, step;
    if (!ar.try_read("kind", kind) || kind.item<int64_t>() != kind_ || !ar.try_read("step", step) ||
        step.numel() != static_cast<int64_t>(params_.size()))
        throw mismatch();
    // read and check everything before touching the state, so a rejected checkpoint leaves it unchanged
    std::vector<torch::Tensor> m(params_.size()), v(params_.size());
    for (size_t i = 0; i < params_.size(); ++i) {
        if (!ar.try_read(first_name_ + "." + std::to_string(i), m[i]) ||
            !ar.try_read(second_name_ + "." + std::to_string(i), v[i]) || m[i].sizes() != params_[i].sizes() ||
            v[i].sizes() != params_[i].sizes())
            throw mismatch();
    }
    torch::NoGradGuard no_grad;
    step = step.to(torch::kInt64);
    for (size_t i = 0; i < params_.size(); ++i) {
        first_[i].copy_(m[i]);
        second_[i].copy_(v[i]);
        steps_[i] = step[static_cast<int64_t>(i)].item<int64_t>();
    }
}

}  // namespace disent::train
