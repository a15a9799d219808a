// The optimisers of the registry: torch ones and RAdam match PyTorch 1.13's trajectories, AdaBelief matches a
// hand derivation of the paper's rule, RAdam/AdaBelief resume bit-exactly from a checkpoint archive, and every
// registered name builds and trains.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "train/adabelief.hpp"
#include "train/optimizers.hpp"
#include "train/radam.hpp"

using namespace disent;
using namespace disent::train;

namespace {

using Trajectory = std::vector<std::vector<double>>;  // parameters after each step
using Overrides = std::map<std::string, std::string>;

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const Overrides& overrides,
                                          std::vector<torch::Tensor> params) {
    register_optimizers();
    const auto& e = optimizer_registry().get(name);
    return e.make(disent::make_params(e.info.params, overrides), std::move(params));
}

// The problem of tests/train/optimizer_reference.py: loss(x) = sum(0.25 x^4 + 0.5 k (x - a)^2).
torch::Tensor quartic_loss(const torch::Tensor& x) {
    const auto k = torch::tensor({1.0, 2.0, 0.5}, torch::kFloat64);
    const auto a = torch::tensor({0.3, -0.7, 1.5}, torch::kFloat64);
    return (0.25 * x.pow(4) + 0.5 * k * (x - a).pow(2)).sum();
}

// Runs `name` on the quartic problem and returns the largest relative difference to `ref` (each step checked).
double max_rel_diff_to_torch(const std::string& name, const Overrides& overrides, const Trajectory& ref) {
    auto x = torch::tensor({0.5, -1.2, 2.0}, torch::kFloat64).requires_grad_();
    auto opt = make_optimizer(name, overrides, {x});
    double worst = 0;
    for (size_t s = 0; s < ref.size(); ++s) {
        opt->zero_grad();
        quartic_loss(x).backward();
        opt->step();
        for (int64_t j = 0; j < 3; ++j) {
            const double want = ref[s][static_cast<size_t>(j)], got = x[j].item<double>();
            const double rel = std::abs(got - want) / std::abs(want);
            worst = std::max(worst, rel);
            EXPECT_LE(rel, 1e-6) << name << " step " << s + 1 << " element " << j << ": " << got << " vs " << want;
        }
    }
    std::cout << "[ measured ] " << name << ": max relative difference to torch 1.13 = " << worst << "\n";
    return worst;
}

}  // namespace

// Reference trajectories: `/usr/bin/python3 tests/train/optimizer_reference.py` (Debian python3-torch 1.13,
// torch.optim.RAdam / AdamW / SGD / RMSprop in float64, 7 steps from x0 = [0.5, -1.2, 2.0]).
TEST(Optimizers, RAdamMatchesTorchRAdam) {
    // beta2 0.99: steps 1-5 take the un-rectified branch (rho_t <= 5), steps 6-7 the rectified one
    max_rel_diff_to_torch("radam", {{"lr", "0.05"}, {"beta1", "0.8"}, {"beta2", "0.99"}, {"eps", "1e-6"}, {"weight_decay", "0.1"}},
                          Trajectory{{0.48125, -1.0575999999999999, 1.5775000000000001},
                                     {0.46344907633463545, -0.9386471004728888, 1.275218927517361},
                                     {0.44660476246425607, -0.8397945326371953, 1.0540188048844399},
                                     {0.4307181573053899, -0.7582389442241235, 0.8899091807723281},
                                     {0.4157840167853314, -0.6916000394928853, 0.7673496186171385},
                                     {0.41199147683256526, -0.688847781492744, 0.765441071604041},
                                     {0.40726375583192287, -0.6857039315067266, 0.7634243580630548}});
    max_rel_diff_to_torch("radam", {{"lr", "0.02"}},
                          Trajectory{{0.4935, -1.14544, 1.835},
                                     {0.4871190726276316, -1.094398580598935, 1.6900383381578947},
                                     {0.4808587448956067, -1.046696671135605, 1.5622421849706678},
                                     {0.47472037712102816, -1.0021641048209702, 1.4492519479414432},
                                     {0.4687051579628287, -0.9606390046558438, 1.3491111005832268},
                                     {0.4681952707553071, -0.9601548649679177, 1.3486690719928736},
                                     {0.46755058712386866, -0.9595494602116988, 1.3481269823585675}});
    max_rel_diff_to_torch("radam", {{"lr", "0.05"}, {"eps", "0.1"}},
                          Trajectory{{0.48375, -1.0635999999999999, 1.5875},
                                     {0.4682380446648849, -0.9481896805406315, 1.2856711040296052},
                                     {0.4534519442740844, -0.8504794373505264, 1.0579859732735961},
                                     {0.43937872378690873, -0.7678619714560035, 0.8825030759996549},
                                     {0.4260046561155607, -0.6982342339775065, 0.7452500474103084},
                                     {0.4257942177957877, -0.6977025590936636, 0.744707010035033},
                                     {0.4255193709032155, -0.6970752690139856, 0.7441034734141886}});
}

TEST(Optimizers, AdamWMatchesTorchAdamW) {
    max_rel_diff_to_torch("adamw", {{"lr", "0.05"}, {"beta1", "0.85"}, {"beta2", "0.95"}, {"eps", "1e-6"}, {"weight_decay", "0.3"}},
                          Trajectory{{0.4425001538456805, -1.1320000183284389, 1.9200000060606053},
                                     {0.3870749374540511, -1.0654148199253644, 1.8414674183983866},
                                     {0.335004393821133, -1.0005287248589836, 1.7645676870718792},
                                     {0.28800842036786567, -0.9376524604142629, 1.6894669337413626},
                                     {0.24810658870407123, -0.8771200067684867, 1.6163285547542157},
                                     {0.2171611714742165, -0.8192834213293452, 1.545309706521558},
                                     {0.19624059684992964, -0.7645052684774569, 1.4765578409852878}});
    max_rel_diff_to_torch("adamw", {{"lr", "0.05"}, {"weight_decay", "0.1"}, {"amsgrad", "true"}},
                          Trajectory{{0.4475000015384615, -1.1440000001832844, 1.9400000000606061},
                                     {0.39626539974669867, -1.0885663684705777, 1.8804735693111514},
                                     {0.34733323140249284, -1.0339146088508357, 1.821540148793759},
                                     {0.30205330512436707, -0.9802778866395462, 1.7633213624396384},
                                     {0.2619936314645005, -0.9279041759652834, 1.7059393607294857},
                                     {0.22867578635472915, -0.8770522343061549, 1.6495150557428964},
                                     {0.2032008424622712, -0.8279864220839861, 1.5941663116686768}});
}

TEST(Optimizers, SgdMatchesTorchSgd) {
    max_rel_diff_to_torch("sgd", {{"lr", "0.05"}, {"momentum", "0.9"}, {"dampening", "0.1"}, {"weight_decay", "0.05"}},
                          Trajectory{{0.4825, -1.0606, 1.5825},
                                     {0.45239706929687495, -0.84661286687428, 1.022995216171875},
                                     {0.4132621655721492, -0.6116178428489298, 0.47969549247415455},
                                     {0.3688380493605868, -0.3964049445798286, 0.007636103102256194},
                                     {0.32267076916027254, -0.22634193736923727, -0.3836563609210102},
                                     {0.2778622334210758, -0.1148833829212645, -0.6900328784812528},
                                     {0.2369401745400236, -0.06690446046275776, -0.9001584122272992}});
    max_rel_diff_to_torch("sgd", {{"lr", "0.05"}, {"momentum", "0.8"}, {"nesterov", "true"}},
                          Trajectory{{0.47075, -0.9544799999999999, 1.2575},
                                     {0.43559362633078125, -0.7431170298500146, 0.82544816515625},
                                     {0.39882940479575824, -0.5844735009243923, 0.5342324244757751},
                                     {0.3635435609312176, -0.4802479191407577, 0.340003084907169},
                                     {0.3317624710175589, -0.4251984605376176, 0.22006555552421522},
                                     {0.3046561836267846, -0.41055495285627075, 0.15912566957673752},
                                     {0.28273832079732814, -0.42580294892801096, 0.14517808806587795}});
}

TEST(Optimizers, RmspropMatchesTorchRmsprop) {
    max_rel_diff_to_torch("rmsprop",
                          {{"lr", "0.01"}, {"alpha", "0.9"}, {"eps", "1e-6"}, {"weight_decay", "0.05"}, {"momentum", "0.5"}, {"centered", "true"}},
                          Trajectory{{0.46666698412396074, -1.1666667065199587, 1.9666666799733812},
                                     {0.4268362969314199, -1.125471661259655, 1.9251304001143588},
                                     {0.38944932797808496, -1.0843732532008654, 1.8831388302946737},
                                     {0.3573884591620189, -1.0457232446865348, 1.8429535386196967},
                                     {0.3312551231879042, -1.0099051103939443, 1.8049232449901966},
                                     {0.3107758729707182, -0.9766698141798603, 1.7687779723375527},
                                     {0.29532864126529257, -0.9456365127356582, 1.734109572767743}});
    max_rel_diff_to_torch("rmsprop", {{"lr", "0.01"}},
                          Trajectory{{0.40000003076922136, -1.100000003665689, 1.9000000012121212},
                                     {0.35476872095854334, -1.0382480355678188, 1.8347983891856254},
                                     {0.3282008316538934, -0.9919054629171351, 1.784050856123592},
                                     {0.3113753909852809, -0.9544024885902379, 1.741669273587958},
                                     {0.3003829109091984, -0.9228046151020016, 1.7048926427772895},
                                     {0.29309646024399155, -0.8955061071044129, 1.6721987471637731},
                                     {0.28823322876684715, -0.8715163538938625, 1.6426449680192368}});
}

namespace {

// AdaBelief on x0 = [1.0, -0.5] for 3 steps, the gradient given by `grad_of(x)` (set directly, no autograd).
double max_abs_diff_adabelief(const Overrides& overrides, const std::function<torch::Tensor(const torch::Tensor&)>& grad_of,
                              const Trajectory& ref) {
    auto x = torch::tensor({1.0, -0.5}, torch::kFloat64).requires_grad_();
    auto opt = make_optimizer("adabelief", overrides, {x});
    double worst = 0;
    for (size_t s = 0; s < ref.size(); ++s) {
        opt->zero_grad();
        x.mutable_grad() = grad_of(x.detach());
        opt->step();
        for (int64_t j = 0; j < 2; ++j) {
            const double want = ref[s][static_cast<size_t>(j)], got = x[j].item<double>();
            worst = std::max(worst, std::abs(got - want));
            EXPECT_NEAR(got, want, 1e-12) << "step " << s + 1 << " element " << j;
        }
    }
    return worst;
}

}  // namespace

// Reference values: adabelief_by_hand() in tests/train/optimizer_reference.py, the update rule written out in
// plain Python floats (no torch): m, s <- Algorithm 2 of Zhuang et al. 2020, x <- x - lr m_hat / (sqrt(s_hat) + eps).
TEST(Optimizers, AdaBeliefMatchesTheRuleWorkedOutByHand) {
    double worst = 0;
    // constant gradient; eps 1e-3 so that both places eps enters are visible in the values
    worst = std::max(worst, max_abs_diff_adabelief(
        {{"lr", "0.1"}, {"eps", "1e-3"}},
        [](const torch::Tensor&) { return torch::tensor({0.5, -2.0}, torch::kFloat64); },
        Trajectory{{0.954445466899637, -0.4029185606790284},
                   {0.9085222658441671, -0.3021089960654473},
                   {0.862269559971705, -0.19766494534719642}}));
    // changing gradient x - c with L2 weight decay, then with decoupled weight decay
    const auto towards_c = [](const torch::Tensor& x) { return x - torch::tensor({0.2, 0.4}, torch::kFloat64); };
    worst = std::max(worst, max_abs_diff_adabelief(
        {{"lr", "0.1"}, {"beta1", "0.8"}, {"beta2", "0.99"}, {"eps", "1e-8"}, {"weight_decay", "0.1"}}, towards_c,
        Trajectory{{0.875000122299205, -0.37500010985096466},
                   {0.7390511001409679, -0.23889238082885},
                   {0.5958376684900789, -0.09502638496011809}}));
    worst = std::max(worst, max_abs_diff_adabelief(
        {{"lr", "0.1"}, {"beta1", "0.8"}, {"beta2", "0.99"}, {"eps", "1e-8"}, {"weight_decay", "0.1"}, {"decoupled_weight_decay", "true"}},
        towards_c,
        Trajectory{{0.8650001545407314, -0.3700001222992049},
                   {0.7207330260738054, -0.23018674425602184},
                   {0.5715794021506004, -0.08392449346320713}}));
    std::cout << "[ measured ] adabelief: max absolute difference to the hand derivation = " << worst << "\n";
}

namespace {

std::vector<torch::Tensor> random_params(uint64_t seed) {
    torch::manual_seed(seed);
    return {torch::randn({2, 3}, torch::kFloat64).requires_grad_(), torch::randn({4}, torch::kFloat64).requires_grad_()};
}

// A loss whose gradient changes with the step, so the moments carry real history across the checkpoint.
void train_steps(Optimizer& opt, const std::vector<torch::Tensor>& ps, int from, int to) {
    for (int s = from; s < to; ++s) {
        opt.zero_grad();
        torch::Tensor l = torch::zeros({}, torch::kFloat64);
        for (size_t i = 0; i < ps.size(); ++i)
            l = l + (ps[i].pow(4) * 0.1 + (ps[i] - 0.2 * static_cast<double>(s + static_cast<int>(i))).pow(2)).sum();
        l.backward();
        opt.step();
    }
}

// Saves the optimiser, takes one more step before the archive is written out (the archive must hold the state
// as it was at save()), and returns the bytes.
std::string archive_bytes_then_step(Optimizer& opt, const std::vector<torch::Tensor>& ps, int step) {
    torch::serialize::OutputArchive out;
    opt.save(out);
    train_steps(opt, ps, step, step + 1);
    std::ostringstream bytes;
    out.save_to(bytes);
    return bytes.str();
}

void load_bytes(Optimizer& opt, const std::string& bytes) {
    torch::serialize::InputArchive in;
    std::istringstream is(bytes);
    in.load_from(is);
    opt.load(in);
}

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor>& ps) {
    std::vector<torch::Tensor> out;
    for (const auto& p : ps) out.push_back(p.detach().clone().requires_grad_());
    return out;
}

}  // namespace

TEST(Optimizers, RAdamAndAdaBeliefResumeBitExactlyFromACheckpoint) {
    const Overrides hp = {{"lr", "0.05"}, {"weight_decay", "0.01"}};
    for (const char* name : {"radam", "adabelief"}) {
        // uninterrupted: 10 steps (RAdam switches to the rectified update at step 6, after the checkpoint)
        auto a = random_params(7);
        auto opt_a = make_optimizer(name, hp, a);
        train_steps(*opt_a, a, 0, 10);
        // interrupted after 4 steps: the parameters are copied, the optimiser state goes through bytes
        auto b = random_params(7);
        auto opt_b = make_optimizer(name, hp, b);
        train_steps(*opt_b, b, 0, 4);
        const auto at_4 = copies(b);
        const std::string bytes = archive_bytes_then_step(*opt_b, b, 4);
        auto c = copies(at_4);
        auto opt_c = make_optimizer(name, hp, c);
        load_bytes(*opt_c, bytes);
        train_steps(*opt_c, c, 4, 10);
        for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], c[i])) << name << " param " << i;
        // control: without the loaded state the same continuation ends elsewhere
        auto d = copies(at_4);
        auto opt_d = make_optimizer(name, hp, d);
        train_steps(*opt_d, d, 4, 10);
        EXPECT_FALSE(torch::equal(a[0], d[0])) << name;
    }
}

TEST(Optimizers, LoadRejectsAnotherOptimiserOrOtherParameters) {
    auto ps = random_params(3);
    auto radam = make_optimizer("radam", {}, ps);
    train_steps(*radam, ps, 0, 2);
    const std::string bytes = archive_bytes_then_step(*radam, ps, 2);
    auto other_kind = make_optimizer("adabelief", {}, copies(ps));
    EXPECT_THROW(load_bytes(*other_kind, bytes), UserError);
    auto other_shapes = make_optimizer("radam", {}, {torch::zeros({2, 3}, torch::kFloat64).requires_grad_()});
    EXPECT_THROW(load_bytes(*other_shapes, bytes), UserError);
    auto same = make_optimizer("radam", {}, copies(ps));
    EXPECT_NO_THROW(load_bytes(*same, bytes));
    EXPECT_EQ(dynamic_cast<RAdam&>(*same).steps_taken(), (std::vector<int64_t>{2, 2}));
}

TEST(Optimizers, ATensorWithoutGradientIsLeftAloneWithItsStepCount) {
    for (const char* name : {"radam", "adabelief"}) {
        auto with = torch::ones({3}, torch::kFloat64).requires_grad_();
        auto without = torch::ones({2}, torch::kFloat64).requires_grad_();
        auto opt = make_optimizer(name, {{"weight_decay", "0.1"}}, {with, without});
        for (int s = 0; s < 2; ++s) {
            opt->zero_grad();
            (with * 2.0).sum().backward();
            opt->step();
        }
        EXPECT_FALSE(torch::equal(with, torch::ones({3}, torch::kFloat64))) << name;
        EXPECT_TRUE(torch::equal(without, torch::ones({2}, torch::kFloat64))) << name;
        const auto& steps = std::string(name) == "radam" ? dynamic_cast<RAdam&>(*opt).steps_taken()
                                                         : dynamic_cast<AdaBelief&>(*opt).steps_taken();
        EXPECT_EQ(steps, (std::vector<int64_t>{2, 0})) << name;
    }
}

TEST(Optimizers, InvalidHyperParametersAreUserErrors) {
    register_optimizers();
    auto x = [] { return std::vector<torch::Tensor>{torch::zeros({2}).requires_grad_()}; };
    for (const char* name : {"adamw", "radam", "adabelief"})
        EXPECT_THROW(make_optimizer(name, {{"beta2", "1.0"}}, x()), UserError) << name;
    EXPECT_THROW(make_optimizer("sgd", {{"nesterov", "true"}}, x()), UserError);  // needs momentum > 0
    EXPECT_THROW(make_optimizer("sgd", {{"nesterov", "true"}, {"momentum", "0.9"}, {"dampening", "0.1"}}, x()), UserError);
    EXPECT_NO_THROW(make_optimizer("sgd", {{"nesterov", "true"}, {"momentum", "0.9"}}, x()));
    EXPECT_THROW(make_optimizer("rmsprop", {{"lr", "-0.1"}}, x()), UserError);  // the table's range check
    EXPECT_THROW(make_optimizer("adabelief", {{"eps", "-1e-8"}}, x()), UserError);
}

TEST(Optimizers, EveryRegisteredOptimiserBuildsAndTrains) {
    register_optimizers();
    const auto names = optimizer_registry().names();
    for (const char* expected : {"adam", "adamw", "sgd", "rmsprop", "radam", "adabelief"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const auto& e = optimizer_registry().get(name);
        for (const auto& spec : e.info.params) EXPECT_FALSE(spec.help.empty()) << spec.name;
        EXPECT_DOUBLE_EQ(disent::defaults_of(e.info.params).get_float("lr"), 1e-3);  // spec §1.0
        torch::manual_seed(5);
        std::vector<torch::Tensor> ps = {torch::randn({3, 2}).requires_grad_(), torch::randn({4}).requires_grad_()};
        std::vector<torch::Tensor> before;
        for (const auto& p : ps) before.push_back(p.detach().clone());
        auto opt = e.make(disent::defaults_of(e.info.params), ps);
        for (int s = 0; s < 2; ++s) {
            opt->zero_grad();
            ((ps[0] - 1.0).pow(2).sum() + (ps[1] + 1.0).pow(2).sum()).backward();
            opt->step();
        }
        for (size_t i = 0; i < ps.size(); ++i) {
            EXPECT_FALSE(torch::equal(ps[i], before[i])) << "param " << i << " did not move";
            EXPECT_TRUE(torch::isfinite(ps[i]).all().item<bool>()) << "param " << i;
            // a descent direction: every element moved towards its minimum (1 for ps[0], -1 for ps[1])
            const double target = i == 0 ? 1.0 : -1.0;
            EXPECT_TRUE(((ps[i] - target).abs() < (before[i] - target).abs()).all().item<bool>()) << "param " << i;
        }
    }
}
