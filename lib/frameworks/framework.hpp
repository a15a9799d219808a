#pragma once
// Frameworks turn a batch of observation tuples into a scalar loss (spec §1). A framework owns the
// model and the reconstruction loss; the trainer owns the optimiser, data and schedule of steps.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/registry.hpp"
#include "losses/recon_loss.hpp"
#include "losses/reduction.hpp"
#include "models/autoencoder.hpp"

namespace disent::frameworks {

struct LossTerms {
    torch::Tensor loss;  // scalar to minimise
    // Named scalar terms for logs (detached): recon_loss, kl_loss, reg_loss, shared, ...
    std::vector<std::pair<std::string, torch::Tensor>> terms;
};

class Framework {
public:
    Framework(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    virtual ~Framework() = default;

    // One training loss over `xs` (inputs) and `targets` (what to reconstruct), one tensor per observation.
    virtual LossTerms training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) = 0;
    // Deterministic representation used by metrics and visualisations (AE: z; VAE: posterior mean).
    virtual torch::Tensor encode(const torch::Tensor& x);
    // Activated reconstruction of latent codes.
    torch::Tensor decode(const torch::Tensor& z);
    // Names of the terms training_loss reports, in order (train.csv columns).
    virtual std::vector<std::string> term_names() const = 0;

    models::AutoEncoder& model() { return model_; }
    losses::ReconLoss& recon() { return *recon_; }
    losses::Reduction reduction() const { return reduction_; }

protected:
    // Mean over observations of the reduced recon loss of each (spec §1.0 "multiple observations").
    torch::Tensor recon_term(const std::vector<torch::Tensor>& partials, const std::vector<torch::Tensor>& targets) const;

    models::AutoEncoder model_;
    std::shared_ptr<losses::ReconLoss> recon_;
    losses::Reduction reduction_;
    bool detach_decoder_ = false;
    bool disable_rec_loss_ = false;
};

using FrameworkFactory =
    std::function<std::shared_ptr<Framework>(const Params&, models::AutoEncoder, std::shared_ptr<losses::ReconLoss>)>;
Registry<FrameworkFactory>& framework_registry();
void register_all();

// Common parameter table entries of every framework (loss_reduction, detach_decoder, disable_rec_loss).
ParamTable base_params();

}  // namespace disent::frameworks
