#include "train/step_runner.hpp"

#include <ATen/Parallel.h>

#include <chrono>

#include "core/error.hpp"
#include "train/cuda_graph_runner.hpp"

namespace disent::train {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Eager step: works on CPU and CUDA, with the dataset rendered per batch or resident on the device.
class EagerRunner : public StepRunner {
public:
    EagerRunner(Experiment& e, torch::Tensor resident) : e_(e), resident_(std::move(resident)) {}

    void run(int64_t step, const std::vector<std::vector<int64_t>>& obs, StepTimes& t) override {
        auto t0 = Clock::now();
        std::vector<torch::Tensor> xs;
        for (const auto& idx : obs) {
            if (resident_.defined()) {
                torch::Tensor i = torch::tensor(idx, torch::kInt64).to(e_.device, /*non_blocking=*/true);
                xs.push_back(e_.to_input(resident_.index_select(0, i)));
            } else {
                xs.push_back(e_.to_input(e_.render(idx)));
            }
        }
        auto t1 = Clock::now();
        torch::manual_seed(noise_seed(e_.seed, step));
        frameworks::LossTerms lt = e_.framework->training_loss(xs, xs);
        auto t2 = Clock::now();
        e_.optimizer->zero_grad();
        lt.loss.backward();
        auto t3 = Clock::now();
        e_.optimizer->step();
        auto t4 = Clock::now();
        std::vector<torch::Tensor> vals{lt.loss.detach()};
        for (auto& kv : lt.terms) vals.push_back(kv.second);
        torch::Tensor now = torch::stack(vals).to(torch::kFloat64);
        sums_ = sums_.defined() ? sums_ + now : now;
        ++count_;
        t.data_s += std::chrono::duration<double>(t1 - t0).count();
        t.forward_s += std::chrono::duration<double>(t2 - t1).count();
        t.backward_s += std::chrono::duration<double>(t3 - t2).count();
        t.optimizer_s += std::chrono::duration<double>(t4 - t3).count();
    }
    std::string describe() const override {
        return std::string("eager") + (resident_.defined() ? ", dataset on device" : ", dataset rendered per batch");
    }

private:
    Experiment& e_;
    torch::Tensor resident_;
};

}  // namespace

uint64_t noise_seed(uint64_t run_seed, int64_t step) { return derive_seed(run_seed, 1000003 + static_cast<uint64_t>(step)); }

std::vector<double> StepRunner::take_means() {
    synchronize();
    std::vector<double> out;
    if (!sums_.defined() || count_ == 0) return out;
    torch::Tensor m = (sums_ / static_cast<double>(count_)).to(torch::kCPU);
    out.assign(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
    sums_.zero_();
    count_ = 0;
    return out;
}

StepOptions StepOptions::from(const Params& train) {
    StepOptions o;
    o.data_on_device = train.get_string("data_on_device");
    o.cuda_graph = train.get_bool("cuda_graph");
    o.allow_tf32 = train.get_bool("allow_tf32");
    o.bf16_autocast = train.get_bool("bf16_autocast");
    return o;
}

torch::Tensor render_all(const data::GroundTruthData& ds, torch::Device device) {
    const int64_t n = ds.states().size(), bytes = ds.obs_bytes();
    const int64_t chunk = std::max<int64_t>(1, (int64_t{256} << 20) / bytes);  // ~256 MiB per upload
    torch::Tensor out = torch::empty({n, ds.height(), ds.width(), ds.channels()}, torch::TensorOptions().dtype(torch::kUInt8).device(device));
    torch::Tensor host = torch::empty({std::min(chunk, n), ds.height(), ds.width(), ds.channels()},
                                      torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(device.is_cuda()));
    for (int64_t start = 0; start < n; start += chunk) {
        const int64_t len = std::min(chunk, n - start);
        uint8_t* p = host.data_ptr<uint8_t>();
        at::parallel_for(0, len, 256, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) ds.render(start + i, p + i * bytes);
        });
        out.narrow(0, start, len).copy_(host.narrow(0, 0, len));  // synchronous: the pinned buffer is reused
    }
    return out;
}

std::unique_ptr<StepRunner> make_step_runner(Experiment& e, const StepOptions& opts, int64_t batch_size) {
    const bool cuda = e.device.is_cuda();
    if (cuda) {
        at::globalContext().setAllowTF32CuBLAS(opts.allow_tf32);
        at::globalContext().setAllowTF32CuDNN(opts.allow_tf32);
        at::globalContext().setBenchmarkCuDNN(true);  // input shapes are fixed for a whole run
    }
    const double gib = static_cast<double>(e.dataset->states().size()) * e.dataset->obs_bytes() / (1024.0 * 1024 * 1024);
    bool resident = opts.data_on_device == "true" || (opts.data_on_device == "auto" && cuda && gib <= 16.0);
    if (opts.data_on_device == "true" && gib > 64.0)
        throw UserError("key 'train.data_on_device' is true but the dataset needs " + std::to_string(gib) +
                        " GiB as uint8; use auto or false");
    torch::Tensor data = resident ? render_all(*e.dataset, e.device) : torch::Tensor();
    if (cuda && (opts.cuda_graph || opts.bf16_autocast)) {
        if (auto runner = make_cuda_graph_runner(e, data, opts, batch_size)) return runner;
    }
    if (opts.bf16_autocast && cuda)
        throw UserError("key 'train.bf16_autocast' needs a CUDA build of disent-run with graph support");
    return std::make_unique<EagerRunner>(e, data);
}

}  // namespace disent::train
