#pragma once
// The CUDA step runner (lib/train/cuda/): TF32/bf16 options, device-resident data and CUDA-graph replay.
// Built only when LibTorch has CUDA; otherwise make_cuda_graph_runner returns nullptr.
#include <memory>

#include "train/step_runner.hpp"

namespace disent::train {

// `resident`: the whole dataset as uint8 on the device, or undefined (batches are rendered on the host).
std::unique_ptr<StepRunner> make_cuda_graph_runner(Experiment& e, torch::Tensor resident, const StepOptions& opts,
                                                   int64_t batch_size, int64_t log_every);

// True when this build contains the CUDA runner.
bool cuda_runner_available();

}  // namespace disent::train
