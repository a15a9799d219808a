#pragma once
// Frameworks turn a batch of observation tuples into a scalar loss (spec §1). A framework owns the
// model and the reconstruction loss; the trainer owns the optimiser, data and schedule of steps.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <typeinfo>
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
    // Loss of a second model trained by the framework's own optimiser (FactorVAE's discriminator); built
    // from detached inputs so that its gradients reach only that model. Undefined for most frameworks.
    torch::Tensor aux_loss;
};

class Framework {
public:
    Framework(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);
    virtual ~Framework() = default;

    // One training loss over `xs` (inputs) and `targets` (what to reconstruct), one tensor per observation.
    // Its terms come in the order of term_names() (the train.csv columns).
    LossTerms training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets);
    // Deterministic representation used by metrics and visualisations (AE: z; VAE: posterior mean).
    virtual torch::Tensor encode(const torch::Tensor& x);
    // Activated reconstruction of latent codes.
    torch::Tensor decode(const torch::Tensor& z);
    // Names of the terms training_loss reports, in order (train.csv columns).
    virtual std::vector<std::string> term_names() const = 0;

    // Current value of a numeric framework parameter, and its replacement by a schedule (spec §9).
    double param(const std::string& key) const { return params_.get_float(key); }
    void set_param(const std::string& key, double value);
    const Params& params() const { return params_; }
    // Called before every training step with the number of steps already taken (AnnealedVAE's capacity).
    virtual void set_step(int64_t step) { step_ = step; }

    // Second model with its own optimiser (FactorVAE): after the main backward, one update from aux_loss.
    virtual void aux_update(const torch::Tensor& aux_loss) {}
    // Its state in checkpoints (parameters and optimiser state); nothing for most frameworks.
    virtual void save_aux(torch::serialize::OutputArchive& archive) const {}
    virtual void load_aux(torch::serialize::InputArchive& archive) {}
    virtual bool has_aux() const { return false; }
    // True when a training step is a fixed sequence of device work that a CUDA graph may capture (no host
    // reads, no host-side randomness, no parameters that change between steps).
    virtual bool graph_capturable() const { return false; }

    models::AutoEncoder& model() { return model_; }
    losses::ReconLoss& recon() { return *recon_; }
    losses::Reduction reduction() const { return reduction_; }

protected:
    // The framework's loss; terms in any order (training_loss orders them and checks none is missing).
    virtual LossTerms compute_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) = 0;
    // Mean over observations of the reduced recon loss of each (spec §1.0 "multiple observations").
    torch::Tensor recon_term(const std::vector<torch::Tensor>& partials, const std::vector<torch::Tensor>& targets) const;

    Params params_;
    int64_t step_ = 0;
    models::AutoEncoder model_;
    std::shared_ptr<losses::ReconLoss> recon_;
    losses::Reduction reduction_;
    bool detach_decoder_ = false;
    bool disable_rec_loss_ = false;
    bool disable_aug_loss_ = false;
};

using FrameworkFactory =
    std::function<std::shared_ptr<Framework>(const Params&, models::AutoEncoder, std::shared_ptr<losses::ReconLoss>)>;
Registry<FrameworkFactory>& framework_registry();
// The factory of a framework class constructed as F(model, recon, params).
template <class F>
FrameworkFactory factory_of() {
    return [](const Params& p, models::AutoEncoder m, std::shared_ptr<losses::ReconLoss> l) -> std::shared_ptr<Framework> {
        return std::make_shared<F>(std::move(m), std::move(l), p);
    };
}
void register_all();
// Parts of register_all, one per family (each in its own file).
void register_triplet_family();  // tae, tvae, ada_ae, adaneg_tae, adaneg_tvae, adaneg_tae_d (DotAE), adaneg_tvae_d (DotVAE)
void register_regularised_vaes();  // betatc_vae, dip_vae, info_vae, dfc_vae, factor_vae, annealed_vae

// Common parameter table entries of every framework (loss_reduction, detach_decoder, disable_rec_loss).
ParamTable base_params();
// Registry traits: the input mode the framework needs, the sampler `sampler.name=auto` picks, and how many
// numbers per latent unit its encoder emits (1: AE family, 2: VAE family).
std::map<std::string, std::string> framework_traits(const std::string& input_mode, const std::string& default_sampler,
                                                    int z_multiplier);

}  // namespace disent::frameworks
