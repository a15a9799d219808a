// FlatAdam computes exactly what torch::optim::Adam computes (CPU behaviour unchanged), in eager and
// capturable (device-side step) modes, and round-trips through a checkpoint archive.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "train/flat_adam.hpp"

using namespace disent::train;

namespace {

std::vector<torch::Tensor> make_params(uint64_t seed) {
    torch::manual_seed(seed);
    return {torch::randn({3, 4}).requires_grad_(), torch::randn({5}).requires_grad_(), torch::randn({2, 2, 2}).requires_grad_()};
}

torch::Tensor loss_of(const std::vector<torch::Tensor>& ps, int step) {
    torch::Tensor l = torch::zeros({});
    for (size_t i = 0; i < ps.size(); ++i) l = l + (ps[i] * (1.0 + step) - 0.3 * static_cast<double>(i)).pow(2).sum();
    return l;
}

}  // namespace

TEST(FlatAdam, MatchesTorchAdamBitForBitOnCpu) {
    for (double wd : {0.0, 0.01}) {
        auto a = make_params(1), b = make_params(1);
        torch::optim::Adam ref(a, torch::optim::AdamOptions(0.01).weight_decay(wd));
        FlatAdamOptions o;
        o.lr = 0.01;
        o.weight_decay = wd;
        FlatAdam flat(b, o);
        for (int s = 0; s < 20; ++s) {
            ref.zero_grad();
            loss_of(a, s).backward();
            ref.step();
            flat.zero_grad();
            loss_of(b, s).backward();
            flat.step();
        }
        for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "param " << i << " wd " << wd;
        EXPECT_EQ(flat.steps_taken(), 20);
    }
}

TEST(FlatAdam, CapturableModeMatchesEagerClosely) {
    auto a = make_params(2), b = make_params(2);
    FlatAdam eager(a, {}), cap(b, {});
    cap.make_capturable();
    EXPECT_TRUE(cap.capturable());
    for (int s = 0; s < 10; ++s) {
        eager.zero_grad();
        loss_of(a, s).backward();
        eager.step();
        cap.zero_grad();
        loss_of(b, s).backward();
        cap.step();
    }
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6)) << i;
    EXPECT_EQ(cap.steps_taken(), 10);
}

TEST(FlatAdam, StateRoundTripsAndIsCheckedOnLoad) {
    auto a = make_params(3);
    FlatAdam opt(a, {});
    for (int s = 0; s < 3; ++s) {
        opt.zero_grad();
        loss_of(a, s).backward();
        opt.step();
    }
    torch::serialize::OutputArchive out;
    opt.save(out);
    std::ostringstream bytes;
    out.save_to(bytes);
    auto b = make_params(3);
    FlatAdam restored(b, {});
    torch::serialize::InputArchive in;
    std::istringstream is(bytes.str());
    in.load_from(is);
    restored.load(in);
    EXPECT_EQ(restored.steps_taken(), 3);
    // a different parameter set is rejected
    std::vector<torch::Tensor> other{torch::randn({7}).requires_grad_()};
    FlatAdam wrong(other, {});
    torch::serialize::InputArchive in2;
    std::istringstream is2(bytes.str());
    in2.load_from(is2);
    EXPECT_ANY_THROW(wrong.load(in2));
}
