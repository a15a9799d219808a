#pragma once
// Data-overlap triplets (spec §1.13; DotAE / DotVAE, README "Ada-TAE-D / Ada-TVAE-D"): Ada-Neg triplets
// without supervision. Each step draws random index triplets from the single-input batch, orders each so
// that the positive is the one closer to the anchor in data space (per-sample mean of the overlap recon
// loss on the targets), optionally mines a subset, and applies the Ada-Neg triplet term of §1.11 to the
// codes (AE) or posteriors (VAE) of those rows. No gradients flow through the mining.
//
// overlap_augment_mode: our runner has no augmentation objects yet, so only disent's `none` (targets
// compared as they are) exists and the key is not offered.
#include "frameworks/adaneg_triplet.hpp"

namespace disent::frameworks {

// Batch indices of anchors, positives and negatives, (N) int64 each.
struct TripletIdxs {
    torch::Tensor a, p, n;
};

// Checks overlap_mine_triplet_mode — none | semi_hard_neg | hard_neg | hard_pos | easy_pos |
// ran:<mode>+<mode>... — and returns its candidate modes (one unless `ran:`). UserError otherwise.
std::vector<std::string> parse_mine_triplet_mode(const std::string& text);

// n = min(num, B³) index triplets drawn uniformly with replacement: one (3, n) torch::randint.
TripletIdxs random_triplet_idxs(int64_t batch, int64_t num, torch::Device device);

// Triplets with p and n swapped where d(a,p) > d(a,n), and their data distances after the swap.
struct OrderedTriplets {
    TripletIdxs idx;
    torch::Tensor d_ap, d_an;
};
// d(i, j) = per-sample mean over C,H,W of overlap.unreduced(x[i], x[j]) (targets taken as activated outputs).
OrderedTriplets order_by_data_distance(const torch::Tensor& x, const TripletIdxs& idx, const losses::ReconLoss& overlap);

// Rows kept by one mining mode: none → all; semi_hard_neg → d_ap < d_an < margin_max; hard_neg → the top_k
// smallest d_an; hard_pos → the top_k largest d_ap; easy_pos → the top_k smallest d_ap. A mode that keeps
// nothing keeps all rows.
torch::Tensor mine_triplet_rows(const torch::Tensor& d_ap, const torch::Tensor& d_an, const std::string& mode, int64_t top_k,
                                double margin_max);

// The whole selection of one step, configured by a framework's overlap_* keys.
class OverlapMiner {
public:
    // overlap_loss "" = the run's recon loss; overlap_loss and overlap_mine_triplet_mode are checked here.
    OverlapMiner(const Params& params, std::shared_ptr<losses::ReconLoss> run_recon);
    // Triplets of the batch `targets` (B, C, H, W); reads overlap_num, overlap_mine_ratio and
    // triplet_margin_max from `params` each step (schedules apply). Uses torch's global RNG.
    TripletIdxs select(const torch::Tensor& targets, const Params& params);
    const losses::ReconLoss& overlap_loss() const { return *overlap_; }

private:
    std::shared_ptr<losses::ReconLoss> overlap_;
    bool owns_overlap_;  // built from overlap_loss: this object moves it to the data's device
    std::vector<std::string> modes_;
};

// DotAE (registry adaneg_tae_d): Ada-Neg triplet term on the raw codes of mined triplets.
class DataOverlapTripletAe : public AdaNegTripletAe {
public:
    DataOverlapTripletAe(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);

protected:
    torch::Tensor aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                           LossTerms& out) override;

private:
    OverlapMiner miner_;
};

// DotVAE (registry adaneg_tvae_d): Ada-Neg triplet term on the posteriors of mined triplets.
class DataOverlapTripletVae : public AdaNegTripletVae {
public:
    DataOverlapTripletVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon, const Params& params);

protected:
    torch::Tensor aug_loss(Step& s) override;

private:
    OverlapMiner miner_;
};

// The overlap_* keys appended to a parameter table.
ParamTable with_overlap_params(ParamTable table);

}  // namespace disent::frameworks
