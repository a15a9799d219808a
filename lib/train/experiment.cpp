#include "train/experiment.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "core/blas.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"
#include "data/xysquares.hpp"
#include "data/registry.hpp"
#include "losses/recon_loss.hpp"
#include "models/autoencoder.hpp"
#include "train/builtins.hpp"
#include "train/optimizers.hpp"

namespace disent::train {

torch::Device resolve_device(const std::string& spec) {
    if (spec == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (spec == "cpu") return torch::Device(torch::kCPU);
    if (!torch::cuda::is_available())
        throw UserError("key 'device' is '" + spec + "' but this machine has no CUDA device (use device=cpu or auto)");
    torch::Device d(spec == "cuda" ? std::string("cuda:0") : spec);
    if (d.index() >= static_cast<int>(torch::cuda::device_count()))
        throw UserError("key 'device' is '" + spec + "' but only " + std::to_string(torch::cuda::device_count()) +
                        " CUDA device(s) exist");
    return d;
}

torch::Tensor Experiment::render(const std::vector<int64_t>& indices) const {
    const auto n = static_cast<int64_t>(indices.size());
    torch::Tensor out = torch::empty({n, dataset->height(), dataset->width(), dataset->channels()}, torch::kUInt8);
    uint8_t* p = out.data_ptr<uint8_t>();
    const int64_t stride = dataset->obs_bytes();
    for (int64_t i = 0; i < n; ++i) dataset->render(indices[i], p + i * stride);
    return out;
}

torch::Tensor Experiment::to_input(const torch::Tensor& raw_u8) const {
    // NHWC bytes → contiguous NCHW before the float conversion: a permuted (channels-last) input would make
    // every convolution of the network run channels-last, ~4% slower on CPU than the Python reference
    torch::Tensor x = raw_u8.to(device, /*non_blocking=*/true).permute({0, 3, 1, 2}).contiguous().to(torch::kFloat32).div_(255.0);
    return x.sub_(mean).div_(std);
}

torch::Tensor Experiment::to_unit(const torch::Tensor& x) const { return (x * std + mean).clamp(0.0, 1.0); }

std::string apply_threads(const Params& train) {
    const int64_t threads = train.get_int("threads"), blas_threads = train.get_int("blas_threads");
    // auto: every CPU this process may use. LibTorch's own default counts physical cores only, which on
    // a 2-vCPU machine is 1 thread and 1.4x slower per step (docs/performance.md); OMP_NUM_THREADS, when
    // set, keeps its usual meaning.
    if (threads > 0) torch::set_num_threads(static_cast<int>(threads));
    else if (!std::getenv("OMP_NUM_THREADS")) torch::set_num_threads(available_cpus());
    // OpenBLAS's own pool beside LibTorch's: LibTorch already runs convolutions on its pool, and with
    // both pools on every core the threads fight (docs/performance.md measures it), so auto = 1 thread,
    // unless the environment sizes it (OPENBLAS_NUM_THREADS, as for any OpenBLAS program).
    if (blas_threads > 0) set_blas_threads(static_cast<int>(blas_threads));
    else if (!std::getenv("OPENBLAS_NUM_THREADS")) set_blas_threads(1);
    const BlasInfo blas = detect_blas();
    static std::once_flag warned;
    if (const std::string w = reference_blas_warning(blas); !w.empty())
        std::call_once(warned, [&] { std::cerr << w << std::endl; });
    const int n = torch::get_num_threads();
    return "LibTorch " + std::to_string(n) + (n == 1 ? " thread" : " threads") + ", BLAS " + describe(blas) + ", " +
           allocator_policy();
}

Experiment build_experiment(const config::ResolvedConfig& cfg) {
    register_builtins();
    Experiment e;
    e.cfg = cfg;
    e.threads = apply_threads(cfg.section("train"));
    e.seed = static_cast<uint64_t>(cfg.top.get_int("seed"));
    e.device = resolve_device(cfg.top.get_string("device"));

    e.dataset = data::dataset_registry().get(cfg.component("dataset")).make(cfg.section("dataset"));
    if (auto* xy = dynamic_cast<const data::XYSquaresData*>(e.dataset.get()))
        for (const auto& w : xy->warnings()) spdlog::warn("dataset {}: {}", cfg.component("dataset"), w);
    e.sampler = data::sampler_registry().get(cfg.component("sampler")).make(cfg.section("sampler"), e.dataset->states());

    const int64_t c = e.dataset->channels();
    std::vector<double> mean = e.dataset->norm_mean(), std = e.dataset->norm_std();
    if (mean.empty()) mean.assign(c, 0.0), std.assign(c, 1.0);  // no constants: train on [0, 1] images
    auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    e.mean = torch::tensor(std::vector<float>(mean.begin(), mean.end()), opts).view({1, c, 1, 1}).to(e.device);
    e.std = torch::tensor(std::vector<float>(std.begin(), std.end()), opts).view({1, c, 1, 1}).to(e.device);

    const auto& fw_entry = frameworks::framework_registry().get(cfg.component("framework"));
    const int64_t zmul = std::stoll(fw_entry.info.traits.at("z_multiplier"));
    // seed the parameter initialisation from the run seed
    torch::manual_seed(derive_seed(e.seed, 1));
    models::AutoEncoder model = models::make_model(cfg.component("model"), cfg.section("model"), c,
                                                   e.dataset->height(), e.dataset->width(), zmul);
    model->to(e.device);
    std::shared_ptr<losses::ReconLoss> recon = losses::make_recon_loss(cfg.top.get_string("recon_loss"));
    recon->to(e.device);
    e.framework = fw_entry.make(cfg.section("framework"), model, recon);
    e.schedules = build_scheduled_keys(cfg);
    e.optimizer = optimizer_registry().get(cfg.component("optimizer")).make(cfg.section("optimizer"), model->parameters());
    return e;
}

}  // namespace disent::train
