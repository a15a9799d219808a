#pragma once
// Everything a run needs, built from a resolved config: dataset → sampler → model → framework/loss →
// optimiser on a device. Building validates combinations (image size vs model, etc.) before any work.
#include <torch/torch.h>

#include <memory>

#include "config/spec.hpp"
#include "data/ground_truth.hpp"
#include "data/sampler.hpp"
#include "frameworks/framework.hpp"
#include "train/optimizer.hpp"
#include "train/scheduled_keys.hpp"

namespace disent::train {

struct Experiment {
    config::ResolvedConfig cfg;
    std::unique_ptr<data::GroundTruthData> dataset;
    std::unique_ptr<data::Sampler> sampler;
    std::shared_ptr<frameworks::Framework> framework;
    std::unique_ptr<Optimizer> optimizer;
    // `schedules:` of the config: framework keys set before every training step (none: fixed values)
    std::vector<ScheduledKey> schedules;
    torch::Device device{torch::kCPU};
    torch::Tensor mean, std;  // (1, C, 1, 1) standardisation constants on the device
    uint64_t seed = 0;
    std::string threads;  // the thread pools and BLAS in use, for the run's first log line

    // Raw uint8 observations (N, H, W, C) of dataset indices, on the CPU.
    torch::Tensor render(const std::vector<int64_t>& indices) const;
    // uint8 (N, H, W, C) → standardised float (N, C, H, W) on the device.
    torch::Tensor to_input(const torch::Tensor& raw_u8) const;
    // Standardised float images → [0, 1] images (for pictures).
    torch::Tensor to_unit(const torch::Tensor& x) const;
};

// `device` string of the config → torch device (auto: CUDA when available).
torch::Device resolve_device(const std::string& spec);

// Sets LibTorch's and the BLAS's thread pools from train.threads / train.blas_threads, warns once on
// stderr when the reference BLAS is loaded, and describes what is in use.
std::string apply_threads(const Params& train);

Experiment build_experiment(const config::ResolvedConfig& cfg);

}  // namespace disent::train
