#include "train/optimizers.hpp"

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
        {"amsgrad", ParamType::Bool, "false", "use the AMSGrad variant"},
    };
    r.add({"", "adam", "Adam (torch defaults: betas 0.9/0.999, eps 1e-8), the paper's optimiser", adam},
          [](const Params& p, std::vector<torch::Tensor> params) -> std::unique_ptr<torch::optim::Optimizer> {
              auto o = torch::optim::AdamOptions(p.get_float("lr"))
                           .betas({p.get_float("beta1"), p.get_float("beta2")})
                           .eps(p.get_float("eps"))
                           .weight_decay(p.get_float("weight_decay"))
                           .amsgrad(p.get_bool("amsgrad"));
              return std::make_unique<torch::optim::Adam>(std::move(params), o);
          });
}

}  // namespace disent::train
