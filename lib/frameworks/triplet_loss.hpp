#pragma once
// Triplet losses on latent codes (spec §1.10). Every variant compares d_ap = ‖a − p‖_p with
// d_an = ‖a − n‖_p per sample and returns the batch mean (unscaled). The "dist" variants take the
// precomputed deltas (a − p, a − n), which Ada-Neg triplets rescale before taking norms (§1.11).
#include <torch/torch.h>

#include <string>

#include "core/params.hpp"

namespace disent::frameworks {

// max(d_ap − d_an + m_max, 0); m_min unused.
torch::Tensor dist_triplet_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, double margin_max, double p);
// sigmoid((d_ap − d_an) / m_max).
torch::Tensor dist_triplet_sigmoid_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, double margin_max,
                                        double p);
// log(1 + exp(d_ap − d_an)); no margins.
torch::Tensor dist_triplet_soft_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, double p);
// max(max(d_ap, m_min) − d_an + m_max, 0).
torch::Tensor dist_min_clamped_triplet_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta,
                                            double margin_min, double margin_max, double p);
// max(d_ap, m_min) − min(d_an, m_max) + (m_max − m_min).
torch::Tensor dist_split_clamped_triplet_loss(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta,
                                              double margin_min, double margin_max, double p);

// The same on anchor, positive and negative codes (deltas a − p and a − n).
torch::Tensor triplet_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg, double margin_max,
                           double p);
torch::Tensor triplet_sigmoid_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                   double margin_max, double p);
torch::Tensor triplet_soft_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg, double p);
torch::Tensor min_clamped_triplet_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                       double margin_min, double margin_max, double p);
torch::Tensor split_clamped_triplet_loss(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                         double margin_min, double margin_max, double p);

// The `triplet_*` keys of a framework at one step (numbers re-read every step so schedules apply).
struct TripletConfig {
    std::string loss = "triplet";  // triplet | triplet_sigmoid | triplet_soft | min_clamped_triplet | split_clamped_triplet
    double margin_min = 0.001;
    double margin_max = 1.0;
    double scale = 0.1;
    double p = 1.0;
};
// Reads and checks the keys; UserError naming framework.<key> for an unknown variant or a sigmoid margin of 0.
TripletConfig triplet_config(const Params& params);
// triplet_scale · variant(deltas) and triplet_scale · variant(a, p, n).
torch::Tensor configured_dist_triplet(const torch::Tensor& pos_delta, const torch::Tensor& neg_delta, const TripletConfig& cfg);
torch::Tensor configured_triplet(const torch::Tensor& a, const torch::Tensor& pos, const torch::Tensor& neg,
                                 const TripletConfig& cfg);

// triplet_loss, triplet_margin_min, triplet_margin_max, triplet_scale, triplet_p (disent's yaml values).
ParamTable triplet_params();

}  // namespace disent::frameworks
