#include "train/step_runner.hpp"

#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "train/cuda_graph_runner.hpp"

namespace disent::train {

namespace {

using Clock = std::chrono::steady_clock;

// Eager step: works on CPU and CUDA, with the dataset rendered per batch or resident on the device.
class EagerRunner : public StepRunner {
public:
    EagerRunner(Experiment& e, torch::Tensor resident, bool skip_nonfinite)
        : e_(e), resident_(std::move(resident)), skip_nonfinite_(skip_nonfinite) {}

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
        e_.framework->set_step(step);
        frameworks::LossTerms lt = e_.framework->training_loss(xs, xs);
        auto t2 = Clock::now();
        e_.optimizer->zero_grad();
        lt.loss.backward();
        if (lt.aux_loss.defined()) e_.framework->aux_update(lt.aux_loss);
        auto t3 = Clock::now();
        // train.nonfinite=skip: leave the parameters and optimiser state untouched (one host read per step)
        if (skip_nonfinite_ && !torch::isfinite(lt.loss.detach()).all().item<bool>()) e_.optimizer->zero_grad();
        else e_.optimizer->step();
        auto t4 = Clock::now();
        std::vector<torch::Tensor> vals{lt.loss.detach()};
        for (auto& kv : lt.terms) vals.push_back(kv.second);
        rows_.push_back(torch::stack(vals).to(torch::kFloat64));
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
    bool skip_nonfinite_;
};

}  // namespace

uint64_t noise_seed(uint64_t run_seed, int64_t step) { return derive_seed(run_seed, 1000003 + static_cast<uint64_t>(step)); }

torch::Tensor StepRunner::recorded() { return rows_.empty() ? torch::Tensor() : torch::stack(rows_); }

void StepRunner::reset_recorded() { rows_.clear(); }

IntervalStats StepRunner::peek() {
    synchronize();
    IntervalStats st;
    torch::Tensor h = recorded();
    if (!h.defined() || h.size(0) == 0) return st;
    h = h.to(torch::kCPU, torch::kFloat64).contiguous();
    const int64_t n = h.size(0), t = h.size(1);
    const double* p = h.data_ptr<double>();
    st.steps = n;
    st.means.assign(static_cast<size_t>(t), 0.0);
    int64_t finite_rows = 0;
    for (int64_t i = 0; i < n; ++i) {
        int bad = -1;
        for (int64_t j = 0; j < t && bad < 0; ++j)
            if (!std::isfinite(p[i * t + j])) bad = static_cast<int>(j);
        if (bad >= 0) {
            if (st.first_nonfinite < 0) {
                st.first_nonfinite = i;
                st.nonfinite_term = bad;
                st.nonfinite_value = p[i * t + bad];
            }
            ++st.nonfinite_steps;
            continue;
        }
        for (int64_t j = 0; j < t; ++j) st.means[j] += p[i * t + j];
        ++finite_rows;
    }
    for (auto& m : st.means) m = finite_rows ? m / finite_rows : std::numeric_limits<double>::quiet_NaN();
    return st;
}

IntervalStats StepRunner::take() {
    IntervalStats st = peek();
    reset_recorded();
    return st;
}

StepOptions StepOptions::from(const Params& train) {
    StepOptions o;
    o.data_on_device = train.get_string("data_on_device");
    o.skip_nonfinite = train.get_string("nonfinite") == "skip";
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

std::unique_ptr<StepRunner> make_step_runner(Experiment& e, const StepOptions& opts, int64_t batch_size,
                                             int64_t log_every) {
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
    // a captured graph bakes the framework's parameters in: scheduled runs take the eager CUDA step
    const bool capturable = e.framework->graph_capturable() && e.schedules.empty();
    if (cuda && capturable && (opts.cuda_graph || opts.bf16_autocast)) {
        if (auto runner = make_cuda_graph_runner(e, data, opts, batch_size, log_every)) return runner;
    }
    if (opts.bf16_autocast && cuda)
        throw UserError(capturable ? std::string("key 'train.bf16_autocast' needs a CUDA build of disent-run with graph support")
                                   : "key 'train.bf16_autocast' is supported only for runs without schedules whose framework "
                                     "step a CUDA graph can capture (ae, vae, beta_vae, ada_vae), not '" +
                                         e.cfg.component("framework") + "'");
    return std::make_unique<EagerRunner>(e, data, opts.skip_nonfinite);
}

}  // namespace disent::train
