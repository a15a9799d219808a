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
    bool skip_nonfinite = false;          // train.nonfinite: skip the update of a step whose loss is NaN/Inf
    bool cuda_graph = true;
    bool allow_tf32 = true;
    bool bf16_autocast = false;
    static StepOptions from(const Params& train);
};

// What happened in the steps since the last take(): means over the finite steps, and the first step
// whose loss or a loss term was NaN/Inf.
struct IntervalStats {
    std::vector<double> means;     // [loss, terms...] averaged over the finite steps
    int64_t steps = 0;             // steps recorded
    int64_t first_nonfinite = -1;  // offset (0-based) of the first non-finite step, -1 if none
    int nonfinite_term = -1;       // 0: the loss, i: term i-1
    double nonfinite_value = 0;
    int64_t nonfinite_steps = 0;
};

class StepRunner {
public:
    virtual ~StepRunner() = default;
    // One optimiser step on the observation indices obs[o][b] (num_obs x batch), with the step's seed.
    virtual void run(int64_t step, const std::vector<std::vector<int64_t>>& obs, StepTimes& times) = 0;
    // Waits for queued device work (before checkpoints and evaluation).
    virtual void synchronize() {}
    virtual std::string describe() const = 0;
    // Reads the per-step values recorded since the last take() (one device read) without resetting.
    IntervalStats peek();
    // The same, then starts a new interval.
    IntervalStats take();

protected:
    // (steps x [loss, terms...]) values recorded since the last take(), float64 (any device).
    virtual torch::Tensor recorded();
    virtual void reset_recorded();
    std::vector<torch::Tensor> rows_;  // eager runners: one row per step, left on the device
};

// Picks the runner for the experiment and options; may move the whole dataset to the device.
std::unique_ptr<StepRunner> make_step_runner(Experiment& e, const StepOptions& opts, int64_t batch_size,
                                             int64_t log_every);

// Renders every observation of the dataset into one uint8 (N, H, W, C) tensor on `device`.
torch::Tensor render_all(const data::GroundTruthData& dataset, torch::Device device);

// Per-step seed of the reparameterisation noise (shared by every runner so results agree).
uint64_t noise_seed(uint64_t run_seed, int64_t step);

}  // namespace disent::train
