// GPU tests (ctest -L gpu). They skip on machines without CUDA; on a GPU they check that the fast
// CUDA step computes the same training as the eager path and the CPU.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

#include "config/spec.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"
#include "train/cuda_graph_runner.hpp"
#include "train/flat_adam.hpp"
#include "train/step_runner.hpp"
#include "train/trainer.hpp"

using namespace disent;
using disent::testing::TempDir;
using disent::testing::source_path;

namespace {

#define REQUIRE_CUDA()                                                                            \
    do {                                                                                          \
        if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";                       \
        if (!train::cuda_runner_available()) GTEST_SKIP() << "built without the CUDA step runner"; \
    } while (0)

config::ResolvedConfig spec(std::vector<std::string> ov) {
    std::vector<std::string> base = {"train.batch_size=64", "train.log_every=1", "train.checkpoint_every=0",
                                     "metrics.during=[]", "metrics.final=[]", "train.allow_tf32=false"};
    base.insert(base.end(), ov.begin(), ov.end());
    return config::resolve_file(source_path("experiments/quickstart.yaml"), base, train::build_catalog());
}

std::vector<double> losses_of(const std::string& run_dir) {
    auto t = io::CsvTable::load(run_dir + "/train.csv");
    std::vector<double> out;
    for (const auto& r : t.rows) out.push_back(std::stod(r[1]));
    return out;
}

std::vector<double> run_training(const TempDir& tmp, const std::string& name, std::vector<std::string> ov, int64_t stop_after = -1) {
    std::ostringstream log;
    train::TrainOptions o;
    o.run_dir = tmp / name;
    o.progress = "none";
    o.out = &log;
    o.stop_after = stop_after;
    train::train_new(spec(ov), o);
    return losses_of(tmp / name);
}

}  // namespace

TEST(Gpu, ResidentDatasetEqualsHostRendering) {
    REQUIRE_CUDA();
    auto e = train::build_experiment(spec({"device=cuda"}));
    torch::Tensor all = train::render_all(*e.dataset, e.device);
    ASSERT_EQ(all.size(0), e.dataset->states().size());
    std::vector<int64_t> idx = {0, 1, 4242, 100000, e.dataset->states().size() - 1};
    torch::Tensor host = e.render(idx);
    torch::Tensor dev = all.index_select(0, torch::tensor(idx).to(e.device)).cpu();
    EXPECT_TRUE(torch::equal(host, dev));
}

TEST(Gpu, FirstStepLossEqualsCpu) {
    REQUIRE_CUDA();
    TempDir tmp;
    auto cpu = run_training(tmp, "cpu", {"device=cpu", "train.steps=1"});
    auto gpu = run_training(tmp, "gpu", {"device=cuda", "train.steps=1", "train.cuda_graph=false"});
    ASSERT_EQ(cpu.size(), 1u);
    ASSERT_EQ(gpu.size(), 1u);
    EXPECT_NEAR(gpu[0], cpu[0], 1e-4 * std::abs(cpu[0]));  // same weights, same batch, same noise seed
}

TEST(Gpu, GraphReplayTrainsLikeEager) {
    REQUIRE_CUDA();
    TempDir tmp;
    for (std::string fw : {"beta_vae", "ada_vae"}) {
        auto eager = run_training(tmp, "eager_" + fw, {"device=cuda", "train.steps=8", "train.cuda_graph=false", "framework=" + fw});
        auto graph = run_training(tmp, "graph_" + fw, {"device=cuda", "train.steps=8", "train.cuda_graph=true", "framework=" + fw});
        ASSERT_EQ(eager.size(), 8u);
        ASSERT_EQ(graph.size(), 8u);
        for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(graph[i], eager[i], 1e-3 * std::abs(eager[i])) << fw << " step " << i + 1;
    }
}

TEST(Gpu, GraphRunResumes) {
    REQUIRE_CUDA();
    TempDir tmp;
    auto full = run_training(tmp, "full", {"device=cuda", "train.steps=8"});
    run_training(tmp, "part", {"device=cuda", "train.steps=8"}, 4);
    std::ostringstream log;
    train::TrainOptions o;
    o.run_dir = tmp / "part";
    o.progress = "none";
    o.out = &log;
    auto r = train::resume_run(train::build_catalog(), o);
    EXPECT_EQ(r.status, train::TrainStatus::Finished);
    auto resumed = losses_of(tmp / "part");
    ASSERT_EQ(resumed.size(), 8u);
    for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(resumed[i], full[i], 1e-3 * std::abs(full[i])) << "step " << i + 1;
}

TEST(Gpu, Bf16AutocastTrainsAndEvaluates) {
    REQUIRE_CUDA();
    TempDir tmp;
    auto l = run_training(tmp, "bf16", {"device=cuda", "train.steps=20", "train.bf16_autocast=true", "metrics.final=[mig]",
                                 "metrics.final_preset=fast"});
    ASSERT_EQ(l.size(), 20u);
    for (double v : l) EXPECT_TRUE(std::isfinite(v));
    auto s = io::read_json(tmp / "bf16/summary.json");
    EXPECT_EQ(s["device"], "cuda:0");
    EXPECT_TRUE(s["final_metrics"].contains("mig.discrete_score"));
}

TEST(Gpu, FusedFlatAdamMatchesCpuAdam) {
    REQUIRE_CUDA();
    torch::manual_seed(0);
    std::vector<torch::Tensor> a{torch::randn({1000}).requires_grad_()}, b{a[0].detach().cuda().requires_grad_()};
    torch::optim::Adam ref(a, torch::optim::AdamOptions(0.01));
    train::FlatAdam flat(b, {0.01});
    flat.make_capturable();
    for (int s = 0; s < 10; ++s) {
        ref.zero_grad();
        (a[0] * a[0] * (s + 1)).sum().backward();
        ref.step();
        flat.zero_grad();
        (b[0] * b[0] * (s + 1)).sum().backward();
        flat.step();
    }
    EXPECT_TRUE(torch::allclose(b[0].cpu(), a[0], 1e-5, 1e-6));
    EXPECT_EQ(flat.steps_taken(), 10);
}
