#include "train/flat_adam.hpp"

#include <cmath>

#include "core/error.hpp"

namespace disent::train {

FlatAdam::FlatAdam(const std::vector<torch::Tensor>& params, FlatAdamOptions options) : opt_(options), params_(params) {
    if (params_.empty()) throw std::logic_error("FlatAdam: no parameters");
    int64_t total = 0;
    for (const auto& p : params_) total += p.numel();
    auto opts = params_.front().options().requires_grad(false);
    flat_ = torch::empty({total}, opts);
    grad_ = torch::zeros({total}, opts);
    exp_avg_ = torch::zeros({total}, opts);
    exp_avg_sq_ = torch::zeros({total}, opts);
    torch::NoGradGuard no_grad;
    int64_t offset = 0;
    for (auto& p : params_) {
        if (p.options().dtype() != opts.dtype() || p.device() != flat_.device())
            throw std::logic_error("FlatAdam: all parameters must share dtype and device");
        const int64_t n = p.numel();
        torch::Tensor slice = flat_.narrow(0, offset, n).view(p.sizes());
        slice.copy_(p);
        p.set_data(slice);                                          // the parameter now lives in flat_
        p.mutable_grad() = grad_.narrow(0, offset, n).view(p.sizes());  // autograd accumulates in place here
        offset += n;
    }
}

bool FlatAdam::make_capturable() {
    if (!capturable_) {
        step_t_ = torch::full({}, static_cast<float>(step_), flat_.options().dtype(torch::kFloat32));
        capturable_ = true;
    }
    return true;
}

int64_t FlatAdam::steps_taken() const {
    return capturable_ ? static_cast<int64_t>(std::llround(step_t_.item<double>())) : step_;
}

bool FlatAdam::uses_fused_kernel() const {
#if TORCH_VERSION_MAJOR >= 2
    return opt_.fused && flat_.is_cuda();
#else
    return false;
#endif
}

void FlatAdam::step() {
    torch::NoGradGuard no_grad;
    const double b1 = opt_.beta1, b2 = opt_.beta2;
    if (!capturable_) {
        // exactly torch::optim::Adam (LibTorch 1.13 / 2.x single-tensor path)
        ++step_;
        const double bc1 = 1 - std::pow(b1, static_cast<double>(step_));
        const double bc2 = 1 - std::pow(b2, static_cast<double>(step_));
        torch::Tensor g = opt_.weight_decay != 0 ? grad_.add(flat_, opt_.weight_decay) : grad_;
        exp_avg_.mul_(b1).add_(g, 1 - b1);
        exp_avg_sq_.mul_(b2).addcmul_(g, g, 1 - b2);
        torch::Tensor denom = (exp_avg_sq_.sqrt() / std::sqrt(bc2)).add_(opt_.eps);
        flat_.addcdiv_(exp_avg_, denom, -opt_.lr / bc1);
        return;
    }
    step_t_.add_(1);
#if TORCH_VERSION_MAJOR >= 2
    if (uses_fused_kernel()) {
        std::vector<torch::Tensor> p{flat_}, g{grad_}, m{exp_avg_}, v{exp_avg_sq_}, s{step_t_}, none;
        at::_fused_adam_(p, g, m, v, /*max_exp_avg_sqs=*/none, s, opt_.lr, b1, b2, opt_.weight_decay, opt_.eps,
                         /*amsgrad=*/false, /*maximize=*/false);
        return;
    }
#endif
    // device-side bias corrections: no host reads, so this can be captured in a CUDA graph
    torch::Tensor g = opt_.weight_decay != 0 ? grad_.add(flat_, opt_.weight_decay) : grad_;
    exp_avg_.mul_(b1).add_(g, 1 - b1);
    exp_avg_sq_.mul_(b2).addcmul_(g, g, 1 - b2);
    torch::Tensor bc1 = 1 - torch::pow(b1, step_t_);
    torch::Tensor bc2_sqrt = (1 - torch::pow(b2, step_t_)).sqrt_();
    torch::Tensor denom = (exp_avg_sq_.sqrt() / bc2_sqrt).add_(opt_.eps);
    flat_.sub_(exp_avg_ / denom * (opt_.lr / bc1));
}

void FlatAdam::save(torch::serialize::OutputArchive& ar) const {
    ar.write("kind", torch::tensor(static_cast<int64_t>(1)));  // 1 = flat Adam
    ar.write("step", torch::tensor(steps_taken()));
    ar.write("numel", torch::tensor(flat_.numel()));
    ar.write("exp_avg", exp_avg_.to(torch::kCPU));
    ar.write("exp_avg_sq", exp_avg_sq_.to(torch::kCPU));
}

void FlatAdam::load(torch::serialize::InputArchive& ar) {
    torch::Tensor kind, step, numel, m, v;
    ar.read("kind", kind);
    ar.read("step", step);
    ar.read("numel", numel);
    ar.read("exp_avg", m);
    ar.read("exp_avg_sq", v);
    if (kind.item<int64_t>() != 1 || numel.item<int64_t>() != flat_.numel() || m.numel() != flat_.numel() ||
        v.numel() != flat_.numel())
        throw UserError("optimiser state in the checkpoint does not match this model's parameters");
    torch::NoGradGuard no_grad;
    exp_avg_.copy_(m);
    exp_avg_sq_.copy_(v);
    step_ = step.item<int64_t>();
    if (capturable_) step_t_.fill_(static_cast<double>(step_));
}

}  // namespace disent::train
