#pragma once
// How one training step runs on a device. The eager runner works everywhere; on CUDA the graph runner
// captures the whole step (gather, standardise, forward, loss, backward, optimiser, loss accumulation)
// once and replays it, so a step costs one graph launch and a 2-4 KB index copy. Losses are summed on
// the device and read only when the trainer logs.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "train/experiment.hpp"

namespace disent::train {

struct StepTimes {
    double data_s = 0, forward_s = 0, backward_s = 0, optimizer_s = 0;
};

// Speed options of the `train` section (all ignored on CPU except data_on_device).
struct StepOptions {
    std::string data_on_device = "auto";  // auto | true | false
    bool cuda_graph = true;
    bool allow_tf32 = true;
    bool bf16_autocast = false;
    static StepOptions from(const Params& train);
};

class StepRunner {
public:
    virtual ~StepRunner() = default;
    // One optimiser step on the observation indices obs[o][b] (num_obs x batch), with the step's seed.
    virtual void run(int64_t step, const std::vector<std::vector<int64_t>>& obs, StepTimes& times) = 0;
    // Waits for queued device work (before checkpoints and evaluation).
    virtual void synchronize() {}
    virtual std::string describe() const = 0;
    // Means of [loss, terms...] over the steps since the last call; resets the sums.
    std::vector<double> take_means();

protected:
    torch::Tensor sums_;  // float64 on the device: [loss, terms...]
    int64_t count_ = 0;
};

// Picks the runner for the experiment and options; may move the whole dataset to the device.
std::unique_ptr<StepRunner> make_step_runner(Experiment& e, const StepOptions& opts, int64_t batch_size);

// Renders every observation of the dataset into one uint8 (N, H, W, C) tensor on `device`.
torch::Tensor render_all(const data::GroundTruthData& dataset, torch::Device device);

// Per-step seed of the reparameterisation noise (shared by every runner so results agree).
uint64_t noise_seed(uint64_t run_seed, int64_t step);

}  // namespace disent::train
