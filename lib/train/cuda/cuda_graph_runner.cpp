// CUDA step runner: the dataset stays on the GPU as uint8, the host only computes the step's indices
// (the same index streams as on CPU) and copies them into a static device buffer; gather,
// standardisation, forward, loss, backward, the flat Adam update and loss accumulation are captured
// once as a CUDA graph and replayed every step. No host synchronisation inside the step.
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <chrono>
#include <cstring>

#include "core/error.hpp"
#include "train/cuda_graph_runner.hpp"

namespace disent::train {

namespace {

using Clock = std::chrono::steady_clock;

// bf16 autocast for CUDA ops, for the lifetime of the object (API names changed in LibTorch 2.4).
class AutocastScope {
public:
    explicit AutocastScope(bool on) : on_(on) {
        if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        at::autocast::set_autocast_enabled(at::kCUDA, true);
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
#else
        at::autocast::set_enabled(true);
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
#endif
        at::autocast::set_autocast_cache_enabled(false);  // cached weight casts must not outlive a graph capture
    }
    ~AutocastScope() {
        if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
        at::autocast::set_enabled(false);
#endif
        at::autocast::clear_cache();
    }

private:
    bool on_;
};

class CudaRunner : public StepRunner {
public:
    CudaRunner(Experiment& e, torch::Tensor resident, const StepOptions& opts, int64_t batch, int64_t log_every)
        : e_(e), resident_(std::move(resident)), opts_(opts), stream_(at::cuda::getStreamFromPool()) {
        const int64_t num_obs = e.sampler->num_obs();
        auto dev = torch::TensorOptions().device(e.device);
        if (resident_.defined()) {
            static_in_ = torch::zeros({num_obs, batch}, dev.dtype(torch::kInt64));
            for (auto& p : pinned_) p = torch::zeros({num_obs, batch}, torch::TensorOptions().dtype(torch::kInt64).pinned_memory(true));
        } else {
            std::vector<int64_t> shape{num_obs, batch, e.dataset->height(), e.dataset->width(), e.dataset->channels()};
            static_in_ = torch::zeros(shape, dev.dtype(torch::kUInt8));
            for (auto& p : pinned_) p = torch::zeros(shape, torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(true));
        }
        // per-step [loss, terms...] rows, written inside the graph at a device-side position
        history_ = torch::zeros({log_every, static_cast<int64_t>(e.framework->term_names().size()) + 1}, dev.dtype(torch::kFloat64));
        pos_ = torch::zeros({1}, dev.dtype(torch::kInt64));
        // train.nonfinite=skip needs a host decision per step, which a graph cannot make
        use_graph_ = opts.cuda_graph && !opts.skip_nonfinite && e.optimizer->make_capturable();
    }

    void run(int64_t step, const std::vector<std::vector<int64_t>>& obs, StepTimes& t) override {
        c10::cuda::CUDAStreamGuard guard(stream_);
        auto t0 = Clock::now();
        // stage the step's inputs: the pinned buffer used two steps ago must have been copied already
        const int k = static_cast<int>(step % 2);
        if (used_[k]) copied_[k].synchronize();
        if (resident_.defined()) {
            int64_t* p = pinned_[k].data_ptr<int64_t>();
            for (size_t o = 0; o < obs.size(); ++o) std::memcpy(p + o * obs[o].size(), obs[o].data(), obs[o].size() * sizeof(int64_t));
        } else {
            uint8_t* p = pinned_[k].data_ptr<uint8_t>();
            const int64_t bytes = e_.dataset->obs_bytes();
            size_t i = 0;
            for (const auto& idx : obs)
                for (int64_t id : idx) e_.dataset->render(id, p + (i++) * bytes);
        }
        static_in_.copy_(pinned_[k], /*non_blocking=*/true);
        copied_[k].record(stream_);
        used_[k] = true;
        torch::manual_seed(noise_seed(e_.seed, step));  // replay reads the generator's seed/offset
        auto t1 = Clock::now();
        if (!use_graph_) {
            body();
        } else if (warmup_left_ > 0) {
            body();  // real training steps that also pick cuDNN algorithms and warm the allocator
            --warmup_left_;
        } else {
            if (!graph_) {
                graph_ = std::make_unique<at::cuda::CUDAGraph>();
                graph_->capture_begin();
                body();
                graph_->capture_end();
            }
            graph_->replay();
        }
        ++count_;
        t.data_s += std::chrono::duration<double>(t1 - t0).count();
        t.forward_s += std::chrono::duration<double>(Clock::now() - t1).count();  // the whole step (enqueue time)
    }

    void synchronize() override { stream_.synchronize(); }

    std::string describe() const override {
        std::string s = use_graph_ ? "cuda graph" : "cuda eager";
        s += resident_.defined() ? ", dataset on device" : ", dataset rendered per batch";
        s += opts_.allow_tf32 ? ", tf32" : "";
        s += opts_.bf16_autocast ? ", bf16 autocast" : "";
        return s;
    }

private:
    // The captured computation: everything between the index copy and the summed losses.
    void body() {
        std::vector<torch::Tensor> xs;
        for (int64_t o = 0; o < static_in_.size(0); ++o) {
            torch::Tensor raw = resident_.defined() ? resident_.index_select(0, static_in_[o]) : static_in_[o];
            xs.push_back(e_.to_input(raw));
        }
        frameworks::LossTerms lt;
        {
            AutocastScope autocast(opts_.bf16_autocast);
            lt = e_.framework->training_loss(xs, xs);
        }
        e_.optimizer->zero_grad();
        lt.loss.backward();
        if (opts_.skip_nonfinite && !torch::isfinite(lt.loss.detach()).all().item<bool>()) e_.optimizer->zero_grad();
        else e_.optimizer->step();
        std::vector<torch::Tensor> vals{lt.loss.detach().to(torch::kFloat32)};
        for (auto& kv : lt.terms) vals.push_back(kv.second.to(torch::kFloat32));
        history_.index_copy_(0, pos_, torch::stack(vals).to(torch::kFloat64).unsqueeze(0));
        pos_.add_(1);
    }

    torch::Tensor recorded() override { return history_.narrow(0, 0, count_); }
    void reset_recorded() override {
        c10::cuda::CUDAStreamGuard guard(stream_);
        pos_.zero_();
        count_ = 0;
    }

    Experiment& e_;
    torch::Tensor resident_;
    StepOptions opts_;
    c10::cuda::CUDAStream stream_;
    torch::Tensor static_in_;
    torch::Tensor pinned_[2];
    at::cuda::CUDAEvent copied_[2];
    bool used_[2] = {false, false};
    bool use_graph_ = false;
    int warmup_left_ = 3;
    std::unique_ptr<at::cuda::CUDAGraph> graph_;
    torch::Tensor history_, pos_;
    int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<StepRunner> make_cuda_graph_runner(Experiment& e, torch::Tensor resident, const StepOptions& opts,
                                                   int64_t batch_size, int64_t log_every) {
    return std::make_unique<CudaRunner>(e, std::move(resident), opts, batch_size, log_every);
}

bool cuda_runner_available() { return true; }

}  // namespace disent::train
