#include "train/optimizers.hpp"

#include "core/error.hpp"
#include "train/adabelief.hpp"
#include "train/flat_adam.hpp"
#include "train/radam.hpp"

namespace disent::train {

namespace {

// The tables allow beta = 1 (inclusive bounds); the bias corrections divide by 1 - beta^t, so refuse it here.
double beta(const Params& p, const std::string& key) {
    const double b = p.get_float(key);
    if (b >= 1.0) throw UserError("optimizer." + key + " must be < 1 (got " + std::to_string(b) + ")");
    return b;
}

ParamSpec lr_spec() { return {"lr", ParamType::Float, "0.001", "learning rate (disent's default for every optimiser)", 0.0}; }
ParamSpec beta1_spec() { return {"beta1", ParamType::Float, "0.9", "first-moment decay, in [0, 1)", 0.0, 1.0}; }
ParamSpec beta2_spec() { return {"beta2", ParamType::Float, "0.999", "second-moment decay, in [0, 1)", 0.0, 1.0}; }

std::unique_ptr<Optimizer> wrap(std::unique_ptr<torch::optim::Optimizer> opt) {
    return std::make_unique<TorchOptimizer>(std::move(opt));
}

}  // namespace

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

    ParamTable adamw = {
        lr_spec(), beta1_spec(), beta2_spec(),
        {"eps", ParamType::Float, "1e-08", "denominator epsilon", 0.0},
        {"weight_decay", ParamType::Float, "0.01", "decoupled weight decay: p *= 1 - lr * weight_decay", 0.0},
        {"amsgrad", ParamType::Bool, "false", "use the AMSGrad variant"},
    };
    r.add({"", "adamw", "AdamW (LibTorch's torch::optim::AdamW, torch defaults; disent's registry calls it adam_w)", adamw},
          [](const Params& p, std::vector<torch::Tensor> params) {
              auto o = torch::optim::AdamWOptions(p.get_float("lr"))
                           .betas({beta(p, "beta1"), beta(p, "beta2")})
                           .eps(p.get_float("eps"))
                           .weight_decay(p.get_float("weight_decay"))
                           .amsgrad(p.get_bool("amsgrad"));
              return wrap(std::make_unique<torch::optim::AdamW>(std::move(params), o));
          });

    ParamTable sgd = {
        lr_spec(),
        {"momentum", ParamType::Float, "0.0", "momentum factor (0: plain SGD)", 0.0},
        {"dampening", ParamType::Float, "0.0", "dampening of the momentum buffer's gradient term", 0.0, 1.0},
        {"weight_decay", ParamType::Float, "0.0", "L2 penalty added to the gradient", 0.0},
        {"nesterov", ParamType::Bool, "false", "Nesterov momentum (needs momentum > 0 and dampening 0)"},
    };
    r.add({"", "sgd", "SGD (LibTorch's torch::optim::SGD, torch defaults besides lr)", sgd},
          [](const Params& p, std::vector<torch::Tensor> params) {
              const double momentum = p.get_float("momentum"), dampening = p.get_float("dampening");
              const bool nesterov = p.get_bool("nesterov");
              if (nesterov && (momentum <= 0 || dampening != 0))
                  throw UserError("optimizer.nesterov needs optimizer.momentum > 0 and optimizer.dampening = 0");
              auto o = torch::optim::SGDOptions(p.get_float("lr"))
                           .momentum(momentum)
                           .dampening(dampening)
                           .weight_decay(p.get_float("weight_decay"))
                           .nesterov(nesterov);
              return wrap(std::make_unique<torch::optim::SGD>(std::move(params), o));
          });

    ParamTable rmsprop = {
        lr_spec(),
        {"alpha", ParamType::Float, "0.99", "smoothing constant of the squared-gradient average", 0.0, 1.0},
        {"eps", ParamType::Float, "1e-08", "denominator epsilon", 0.0},
        {"weight_decay", ParamType::Float, "0.0", "L2 penalty added to the gradient", 0.0},
        {"momentum", ParamType::Float, "0.0", "momentum factor", 0.0},
        {"centered", ParamType::Bool, "false", "normalise by the estimated gradient variance instead of the raw second moment"},
    };
    r.add({"", "rmsprop", "RMSprop (LibTorch's torch::optim::RMSprop, torch defaults besides lr)", rmsprop},
          [](const Params& p, std::vector<torch::Tensor> params) {
              auto o = torch::optim::RMSpropOptions(p.get_float("lr"))
                           .alpha(p.get_float("alpha"))
                           .eps(p.get_float("eps"))
                           .weight_decay(p.get_float("weight_decay"))
                           .momentum(p.get_float("momentum"))
                           .centered(p.get_bool("centered"));
              return wrap(std::make_unique<torch::optim::RMSprop>(std::move(params), o));
          });

    ParamTable radam = {
        lr_spec(), beta1_spec(), beta2_spec(),
        {"eps", ParamType::Float, "1e-08", "denominator epsilon", 0.0},
        {"weight_decay", ParamType::Float, "0.0", "L2 penalty added to the gradient", 0.0},
    };
    r.add({"", "radam", "RAdam (Liu et al. 2020), the arithmetic of torch.optim.RAdam (torch 1.13 defaults)", radam},
          [](const Params& p, std::vector<torch::Tensor> params) -> std::unique_ptr<Optimizer> {
              RAdamOptions o;
              o.lr = p.get_float("lr");
              o.beta1 = beta(p, "beta1");
              o.beta2 = beta(p, "beta2");
              o.eps = p.get_float("eps");
              o.weight_decay = p.get_float("weight_decay");
              return std::make_unique<RAdam>(std::move(params), o);
          });

    ParamTable adabelief = {
        lr_spec(), beta1_spec(), beta2_spec(),
        {"eps", ParamType::Float, "1e-08",
         "epsilon added to the belief s each step and to the denominator (disent's adabelief config: 1e-8; "
         "adabelief-pytorch >= 0.1 defaults to 1e-16, torch_optimizer to 1e-3)", 0.0},
        {"weight_decay", ParamType::Float, "0.0", "weight decay (L2 added to the gradient unless decoupled)", 0.0},
        {"decoupled_weight_decay", ParamType::Bool, "false", "AdamW-style decay: p *= 1 - lr * weight_decay before the update"},
    };
    r.add({"", "adabelief",
           "AdaBelief (Zhuang et al. 2020, Algorithm 2; no AMSGrad, no rectification), as disent's torch_optimizer config",
           adabelief},
          [](const Params& p, std::vector<torch::Tensor> params) -> std::unique_ptr<Optimizer> {
              AdaBeliefOptions o;
              o.lr = p.get_float("lr");
              o.beta1 = beta(p, "beta1");
              o.beta2 = beta(p, "beta2");
              o.eps = p.get_float("eps");
              o.weight_decay = p.get_float("weight_decay");
              o.decoupled_weight_decay = p.get_bool("decoupled_weight_decay");
              return std::make_unique<AdaBelief>(std::move(params), o);
          });
}

}  // namespace disent::train
