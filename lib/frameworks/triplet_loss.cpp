#include "frameworks/triplet_loss.hpp"

#include <algorithm>
#include <vector>

#include "core/error.hpp"

namespace disent::frameworks {

namespace {

// Per-sample Lp norm over the latent dim.
torch::Tensor lp(const torch::Tensor& delta, double p) { return delta.norm(p, {-1}); }

const std::vector<std::string>& variant_names() {
    static const std::vector<std::string> names{"triplet", "triplet_sigmoid", "triplet_soft", "min_clamped_triplet",
                                                "split_clamped_triplet"};
    return names;
}

}  // namespace

torch::Tensor dist_triplet_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, double margin_max, double p) {
    return torch::clamp_min(lp(pos_delta, p) - lp(neg_delta, p) + margin_max, 0).mean();
}

torch::Tensor dist_triplet_sigmoid_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, double margin_max,
                                        double p) {
    return torch::sigmoid((lp(pos_delta, p) - lp(neg_delta, p)) / margin_max).mean();
}

torch::Tensor dist_triplet_soft_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, double p) {
    // softplus = log(1 + exp(x)) without overflow for large distances
    return torch::softplus(lp(pos_delta, p) - lp(neg_delta, p)).mean();
}

torch::Tensor dist_min_clamped_triplet_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta,
                                            double margin_min, double margin_max, double p) {
    return torch::clamp_min(torch::clamp_min(lp(pos_delta, p), margin_min) - lp(neg_delta, p) + margin_max, 0).mean();
}

torch::Tensor dist_split_clamped_triplet_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta,
                                              double margin_min, double margin_max, double p) {
    return (torch::clamp_min(lp(pos_delta, p), margin_min) - torch::clamp_max(lp(neg_delta, p), margin_max) +
            (margin_max - margin_min))
        .mean();
}

torch::Tensor triplet_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg, double margin_max,
                           double p) {
    return dist_triplet_loss(a - pos, a - neg, margin_max, p);
}

torch::Tensor triplet_sigmoid_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                   double margin_max, double p) {
    return dist_triplet_sigmoid_loss(a - pos, a - neg, margin_max, p);
}

torch::Tensor triplet_soft_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg, double p) {
    return dist_triplet_soft_loss(a - pos, a - neg, p);
}

torch::Tensor min_clamped_triplet_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                       double margin_min, double margin_max, double p) {
    return dist_min_clamped_triplet_loss(a - pos, a - neg, margin_min, margin_max, p);
}

torch::Tensor split_clamped_triplet_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                         double margin_min, double margin_max, double p) {
    return dist_split_clamped_triplet_loss(a - pos, a - neg, margin_min, margin_max, p);
}

TripletConfig triplet_config(const Params& params) {
    TripletConfig c;
    c.loss = params.get_string("triplet_loss");
    c.margin_min = params.get_float("triplet_margin_min");
    c.margin_max = params.get_float("triplet_margin_max");
    c.scale = params.get_float("triplet_scale");
    c.p = params.get_float("triplet_p");
    const auto& names = variant_names();
    if (std::find(names.begin(), names.end(), c.loss) == names.end())
        throw UserError("key 'framework.triplet_loss': value '" + c.loss +
                        "' is invalid, expected one of triplet, triplet_sigmoid, triplet_soft, min_clamped_triplet, "
                        "split_clamped_triplet");
    if (c.loss == "triplet_sigmoid" && !(c.margin_max > 0))
        throw UserError("key 'framework.triplet_margin_max': value " + std::to_string(c.margin_max) +
                        " is invalid for triplet_sigmoid, expected > 0 (it divides the distance gap)");
    return c;
}

torch::Tensor configured_dist_triplet(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, const TripletConfig& c) {
    torch::Tensor loss;
    if (c.loss == "triplet") loss = dist_triplet_loss(pos_delta, neg_delta, c.margin_max, c.p);
    else if (c.loss == "triplet_sigmoid") loss = dist_triplet_sigmoid_loss(pos_delta, neg_delta, c.margin_max, c.p);
    else if (c.loss == "triplet_soft") loss = dist_triplet_soft_loss(pos_delta, neg_delta, c.p);
    else if (c.loss == "min_clamped_triplet")
        loss = dist_min_clamped_triplet_loss(pos_delta, neg_delta, c.margin_min, c.margin_max, c.p);
    else if (c.loss == "split_clamped_triplet")
        loss = dist_split_clamped_triplet_loss(pos_delta, neg_delta, c.margin_min, c.margin_max, c.p);
    else throw std::logic_error("unchecked triplet variant '" + c.loss + "'");
    return c.scale * loss;
}

torch::Tensor configured_triplet(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                 const TripletConfig& cfg) {
    return configured_dist_triplet(a - pos, a - neg, cfg);
}

ParamTable triplet_params() {
    // Defaults are the values of disent's framework yamls (tae, tvae, adaneg*), which the experiments use;
    // the Python class defaults differ where noted.
    return {
        {"triplet_loss", ParamType::String, "triplet",
         "triplet: max(d_ap − d_an + m_max, 0); triplet_sigmoid: sigmoid((d_ap − d_an)/m_max); triplet_soft: "
         "log(1 + exp(d_ap − d_an)); min_clamped_triplet: max(max(d_ap, m_min) − d_an + m_max, 0); "
         "split_clamped_triplet: max(d_ap, m_min) − min(d_an, m_max) + m_max − m_min",
         {}, {}, variant_names()},
        {"triplet_margin_min", ParamType::Float, "0.001",
         "m_min of the clamped variants (disent yaml value; class default 0.1)", 0.0},
        {"triplet_margin_max", ParamType::Float, "1.0",
         "margin m_max (disent yaml value; class default 10); also the semi_hard_neg mining bound of the *_d "
         "frameworks",
         0.0},
        {"triplet_scale", ParamType::Float, "0.1", "weight of the triplet term (disent yaml value; class default 100)", 0.0},
        {"triplet_p", ParamType::Int, "1", "p of the Lp norm of latent distances (disent yaml value; class default 2)", 1.0,
         2.0},
    };
}

}  // namespace disent::frameworks
