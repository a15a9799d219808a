#include "train/optimizers.hpp"

#include "train/flat_adam.hpp"

namespace disent::train {

Registry<OptimizerFactory>& optimizer_registry() {
    static Registry<OptimizerFactory> r("optimizer");
    return r;
}

void register_optimizers() {
    auto& r = optimizer_registry();
    if (!r.empty()) return;
    ParamTable adam = {
        {"lr", ParamType::Float, "0.001", "learning rate", 0.0},
        {"beta1", ParamType::Float, "0.9", "first-moment decay", 0.0, 1.0},
        {"beta2", ParamType::Float, "0.999", "second-moment decay", 0.0, 1.0},
        {"eps", ParamType::Float, "1e-08", "denominator epsilon", 0.0},
        {"weight_decay", ParamType::Float, "0.0", "L2 penalty added to the gradient", 0.0},
        {"amsgrad", ParamType::Bool, "false", "use the AMSGrad variant (LibTorch's per-tensor Adam)"},
        {"fused", ParamType::Bool, "true", "on CUDA with LibTorch >= 2, one fused kernel for the whole update"},
    };
    r.add({"", "adam", "Adam (torch defaults: betas 0.9/0.999, eps 1e-8), the paper's optimiser", adam},
          [](const Params& p, std::vector<torch::Tensor> params) -> std::unique_ptr<Optimizer> {
              if (!p.get_bool("amsgrad")) {
                  // the same arithmetic as torch::optim::Adam over one flat buffer (train/flat_adam.hpp)
                  FlatAdamOptions o;
                  o.lr = p.get_float("lr");
                  o.beta1 = p.get_float("beta1");
                  o.beta2 = p.get_float("beta2");
                  o.eps = p.get_float("eps");
                  o.weight_decay = p.get_float("weight_decay");
                  o.fused = p.get_bool("fused");
                  return std::make_unique<FlatAdam>(params, o);
              }
              auto o = torch::optim::AdamOptions(p.get_float("lr"))
                           .betas({p.get_float("beta1"), p.get_float("beta2")})
                           .eps(p.get_float("eps"))
                           .weight_decay(p.get_float("weight_decay"))
                           .amsgrad(p.get_bool("amsgrad"));
              return std::make_unique<TorchOptimizer>(std::make_unique<torch::optim::Adam>(std::move(params), o));
          });
}

}  // namespace disent::train
