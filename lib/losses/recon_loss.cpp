#include "losses/recon_loss.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "losses/augmented_recon_loss.hpp"
#include "losses/kernel.hpp"
#include "losses/recon_loss_name.hpp"

namespace disent::losses {

void check_same_shape(const torch::Tensor& a, const torch::Tensor& b, const std::string& what) {
    // Broadcasting a (B,C,H,W) reconstruction against a differently shaped target silently computes
    // the wrong loss, so shapes must match exactly.
    if (a.sizes() != b.sizes())
        throw std::invalid_argument(what + ": shapes differ: " + c10::str(a.sizes()) + " vs " + c10::str(b.sizes()));
}

torch::Tensor ReconLoss::unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const {
    return unreduced(activate(x_partial), x);
}

torch::Tensor ReconLoss::compute(const torch::Tensor& x_partial, const torch::Tensor& x, Reduction reduction) const {
    check_same_shape(x_partial, x, name() + " loss");
    return reduce_loss(unreduced_from_partial(x_partial, x), reduction);
}

torch::Tensor ReconLoss::pairwise(const torch::Tensor& x_a, const torch::Tensor& x_b, bool mean) const {
    check_same_shape(x_a, x_b, name() + " pairwise loss");
    if (x_a.dim() < 2)
        throw std::invalid_argument(name() + " pairwise loss: expected (B, ...) inputs, got " + c10::str(x_a.sizes()));
    const auto per_elem = unreduced(x_a, x_b).flatten(1);
    return mean ? per_elem.mean(1) : per_elem.sum(1);
}

// ---- plain losses --------------------------------------------------------------------------------

torch::Tensor MseLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, "mse loss");
    return (x_hat - x).square();
}

torch::Tensor MaeLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, "mae loss");
    return (x_hat - x).abs();
}

torch::Tensor bce_with_logits(const torch::Tensor& y, const torch::Tensor& x) {
    // max(y,0) − y·x + log(1 + exp(−|y|)): never exponentiates a positive number, so no overflow.
    return y.clamp_min(0) - y * x + torch::log1p(torch::exp(-y.abs()));
}

torch::Tensor BceLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, "bce loss");
    // torch's binary_cross_entropy clamps each log at -100 so saturated probabilities stay finite.
    // Unstable near 0/1 compared with the logits form; only used on already-activated images.
    const auto log_p = torch::log(x_hat).clamp_min(-100);
    const auto log_1mp = torch::log1p(-x_hat).clamp_min(-100);
    return -(x * log_p + (1 - x) * log_1mp);
}

torch::Tensor BceLoss::unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const {
    check_same_shape(x_partial, x, "bce loss");
    return bce_with_logits(x_partial, x);
}

torch::Tensor BernoulliLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, "bernoulli loss");
    // Bernoulli(probs=p) stores logits = log p − log(1−p) of p clamped to [eps, 1−eps], eps of the dtype.
    const double eps = x_hat.scalar_type() == torch::kFloat64 ? std::numeric_limits<double>::epsilon()
                                                                : std::numeric_limits<float>::epsilon();
    const auto p = x_hat.clamp(eps, 1.0 - eps);
    return bce_with_logits(torch::log(p) - torch::log1p(-p), x);
}

torch::Tensor BernoulliLoss::unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const {
    check_same_shape(x_partial, x, "bernoulli loss");
    return bce_with_logits(x_partial, x);  // −log Bernoulli(logits=y).prob(x)
}

torch::Tensor continuous_bernoulli_log_norm(const torch::Tensor& probs, double lo, double hi) {
    // The same arrangement as torch.distributions.ContinuousBernoulli._cont_bern_log_norm: the branches
    // see "cut" probabilities so that neither produces NaN (or NaN gradients) where it is not selected.
    const auto outside = torch::logical_or(probs <= lo, probs > hi);
    const auto cut = torch::where(outside, probs, torch::full_like(probs, lo));
    const auto below = torch::where(cut <= 0.5, cut, torch::zeros_like(cut));
    const auto above = torch::where(cut >= 0.5, cut, torch::ones_like(cut));
    const auto log_norm = torch::log(torch::abs(torch::log1p(-cut) - torch::log(cut))) -
                          torch::where(cut <= 0.5, torch::log1p(-2.0 * below), torch::log(2.0 * above - 1.0));
    const auto u = (probs - 0.5).square();
    const auto taylor = std::log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * u) * u;
    return torch::where(outside, log_norm, taylor);
}

torch::Tensor ContinuousBernoulliLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, "c_bernoulli loss");
    const double eps = x_hat.scalar_type() == torch::kFloat64 ? std::numeric_limits<double>::epsilon()
                                                                : std::numeric_limits<float>::epsilon();
    const auto p = x_hat.clamp(eps, 1.0 - eps);
    return bce_with_logits(torch::log(p) - torch::log1p(-p), x) - continuous_bernoulli_log_norm(p);
}

torch::Tensor ContinuousBernoulliLoss::unreduced_from_partial(const torch::Tensor& x_partial, const torch::Tensor& x) const {
    check_same_shape(x_partial, x, "c_bernoulli loss");
    return bce_with_logits(x_partial, x) - continuous_bernoulli_log_norm(torch::sigmoid(x_partial));
}

torch::Tensor NormalLoss::unreduced(const torch::Tensor& x_hat, const torch::Tensor& x) const {
    check_same_shape(x_hat, x, "normal loss");
    return 0.5 * (x_hat - x).square() + 0.5 * std::log(2.0 * 3.14159265358979323846);
}

// ---- factories -----------------------------------------------------------------------------------

std::unique_ptr<ReconLoss> make_plain_recon_loss(const std::string& name) {
    // Keep in sync with plain_recon_loss_names() (a test checks every listed name builds).
    if (name == "mse") return std::make_unique<MseLoss>();
    if (name == "mae") return std::make_unique<MaeLoss>();
    if (name == "bce") return std::make_unique<BceLoss>();
    if (name == "bernoulli") return std::make_unique<BernoulliLoss>();
    if (name == "c_bernoulli") return std::make_unique<ContinuousBernoulliLoss>();
    if (name == "normal") return std::make_unique<NormalLoss>();
    const ReconLossName parsed = parse_recon_loss_name(name);  // throws the standard message if unknown
    if (parsed.augmented)
        throw UserError("reconstruction loss '" + name + "' is not a plain loss; augmented losses cannot be wrapped");
    throw std::logic_error("plain reconstruction loss '" + name + "' is listed but not implemented");
}

std::unique_ptr<ReconLoss> make_recon_loss(const std::string& name) {
    const ReconLossName parsed = parse_recon_loss_name(name);
    if (!parsed.augmented) return make_plain_recon_loss(parsed.base);
    return std::make_unique<AugmentedReconLoss>(make_plain_recon_loss(parsed.base), make_kernel(parsed.kernel),
                                                parsed.w_l, parsed.w_k, parsed.norm_mode, name);
}

}  // namespace disent::losses
