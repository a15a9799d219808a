// CPU-only builds: there is no CUDA runner (make_step_runner falls back to the eager runner).
#include "train/cuda_graph_runner.hpp"

namespace disent::train {

std::unique_ptr<StepRunner> make_cuda_graph_runner(Experiment&, torch::Tensor, const StepOptions&, int64_t, int64_t) {
    return nullptr;
}
bool cuda_runner_available() { return false; }

}  // namespace disent::train
