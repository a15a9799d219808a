#include "frameworks/data_overlap_triplet.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace disent::frameworks {

namespace {

const std::vector<std::string>& mine_modes() {
    static const std::vector<std::string> modes{"none", "semi_hard_neg", "hard_neg", "hard_pos", "easy_pos"};
    return modes;
}

[[noreturn]] void bad_mine_mode(const std::string& text, const std::string& why) {
    throw UserError("key 'framework.overlap_mine_triplet_mode': value '" + text + "' is invalid (" + why +
                    "), expected none, semi_hard_neg, hard_neg, hard_pos, easy_pos or ran:<mode>+<mode>...");
}

}  // namespace

std::vector<std::string> parse_mine_triplet_mode(const std::string& text) {
    const auto& known = mine_modes();
    const std::string prefix = "ran:";
    std::vector<std::string> modes;
    if (text.rfind(prefix, 0) == 0) {
        std::string rest = text.substr(prefix.size());
        size_t start = 0;
        while (true) {
            size_t plus = rest.find('+', start);
            modes.push_back(rest.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
            if (plus == std::string::npos) break;
            start = plus + 1;
        }
    } else {
        modes.push_back(text);
    }
    for (const auto& m : modes) {
        if (m.empty()) bad_mine_mode(text, "empty mode name");
        if (std::find(known.begin(), known.end(), m) == known.end()) bad_mine_mode(text, "unknown mode '" + m + "'");
    }
    return modes;
}

TripletIdxs random_triplet_idxs(int64_t batch, int64_t num, torch::Device device) {
    const int64_t n = std::min(num, batch * batch * batch);
    torch::Tensor idx = torch::randint(batch, {3, n}, torch::TensorOptions().dtype(torch::kLong).device(device));
    return {idx[0], idx[1], idx[2]};
}

OrderedTriplets order_by_data_distance(const torch::Tensor& x, const TripletIdxs& idx, const losses::ReconLoss& overlap) {
    torch::NoGradGuard no_grad;
    torch::Tensor xa = x.index_select(0, idx.a);
    torch::Tensor d_ap = overlap.pairwise(xa, x.index_select(0, idx.p));
    torch::Tensor d_an = overlap.pairwise(xa, x.index_select(0, idx.n));
    torch::Tensor swap = d_ap > d_an;
    // the mining step of disent recomputes these distances on the swapped triplets: same values
    return {{idx.a, torch::where(swap, idx.n, idx.p), torch::where(swap, idx.p, idx.n)},
            torch::where(swap, d_an, d_ap),
            torch::where(swap, d_ap, d_an)};
}

torch::Tensor mine_triplet_rows(const torch::Tensor& d_ap, const torch::Tensor& d_an, const std::string& mode, int64_t top_k,
                                double margin_max) {
    const int64_t n = d_ap.size(0);
    torch::Tensor rows;
    if (mode == "none") {
        rows = torch::arange(n, d_ap.options().dtype(torch::kLong));
    } else if (mode == "semi_hard_neg") {
        // spec §12.18: the bound is the *latent* margin triplet_margin_max applied to *data* distances, and
        // d_an is not bounded by d_ap + margin as in FaceNet. Kept as disent does: it is the published
        // algorithm (the paper's mining results were produced with it).
        rows = torch::nonzero((d_ap < d_an) & (d_an < margin_max)).flatten();
    } else if (mode == "hard_neg" || mode == "hard_pos" || mode == "easy_pos") {
        const int64_t k = std::min(top_k, n);
        if (k > 0) {
            const bool largest = mode == "hard_pos";
            rows = std::get<1>((mode == "hard_neg" ? d_an : d_ap).topk(k, /*dim=*/-1, largest));
        }
    } else {
        throw std::logic_error("unchecked mining mode '" + mode + "'");
    }
    // disent warns and keeps every triplet when a mode selects none
    if (!rows.defined() || rows.numel() == 0) rows = torch::arange(n, d_ap.options().dtype(torch::kLong));
    return rows;
}

OverlapMiner::OverlapMiner(const Params& params, std::shared_ptr<losses::ReconLoss> run_recon)
    : owns_overlap_(false), modes_(parse_mine_triplet_mode(params.get_string("overlap_mine_triplet_mode"))) {
    const std::string& name = params.get_string("overlap_loss");
    if (name.empty()) {
        overlap_ = std::move(run_recon);
    } else {
        try {
            overlap_ = losses::make_recon_loss(name);
        } catch (const UserError& e) {
            throw UserError("key 'framework.overlap_loss': value '" + name + "' is not a reconstruction loss: " + e.what());
        }
        owns_overlap_ = true;
    }
}

TripletIdxs OverlapMiner::select(const torch::Tensor& targets, const Params& params) {
    torch::NoGradGuard no_grad;
    if (owns_overlap_) overlap_->to(targets.device());  // a no-op once it is there
    TripletIdxs random = random_triplet_idxs(targets.size(0), params.get_int("overlap_num"), targets.device());
    OrderedTriplets ordered = order_by_data_distance(targets, random, *overlap_);
    // disent picks the `ran:` mode with NumPy's RNG; torch's CPU generator here (seeded by the trainer)
    std::string mode = modes_[0];
    if (modes_.size() > 1) mode = modes_[torch::randint(static_cast<int64_t>(modes_.size()), {1}, torch::kLong).item<int64_t>()];
    if (mode == "none") return ordered.idx;
    // top_k is a fraction of the triplets actually drawn: int(overlap_num · ratio) in disent whenever
    // B³ ≥ overlap_num (every experiment), and still a valid count for tiny batches
    const int64_t n = ordered.d_ap.size(0);
    const auto top_k = static_cast<int64_t>(static_cast<double>(n) * params.get_float("overlap_mine_ratio"));
    torch::Tensor rows = mine_triplet_rows(ordered.d_ap, ordered.d_an, mode, top_k, params.get_float("triplet_margin_max"));
    return {ordered.idx.a.index_select(0, rows), ordered.idx.p.index_select(0, rows), ordered.idx.n.index_select(0, rows)};
}

DataOverlapTripletAe::DataOverlapTripletAe(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon,
                                           const Params& params)
    : AdaNegTripletAe(std::move(model), std::move(recon), params), miner_(params_, recon_) {}

torch::Tensor DataOverlapTripletAe::aug_loss(const std::vector<torch::Tensor>& zs, const std::vector<torch::Tensor>& targets,
                                             LossTerms& out) {
    require_observations(zs, 1, "adaneg_tae_d");
    TripletIdxs t = miner_.select(targets[0], params_);
    const torch::Tensor& z = zs[0];
    return code_aug(z.index_select(0, t.a), z.index_select(0, t.p), z.index_select(0, t.n), out);
}

DataOverlapTripletVae::DataOverlapTripletVae(models::AutoEncoder model, std::shared_ptr<losses::ReconLoss> recon,
                                             const Params& params)
    : AdaNegTripletVae(std::move(model), std::move(recon), params), miner_(params_, recon_) {}

torch::Tensor DataOverlapTripletVae::aug_loss(Step& s) {
    require_observations(s.targets, 1, "adaneg_tvae_d");
    TripletIdxs t = miner_.select(s.targets[0], params_);
    const losses::Posterior& q = s.qs[0];
    auto rows = [&q](const torch::Tensor& i) {
        return losses::Posterior{q.mu.index_select(0, i), q.logvar.index_select(0, i), q.kind};
    };
    return posterior_aug(rows(t.a), rows(t.p), rows(t.n), s.out);
}

ParamTable with_overlap_params(ParamTable t) {
    t.push_back({"overlap_loss", ParamType::String, "",
                 "recon loss whose per-sample mean orders triplets by data distance; empty: the run's recon_loss "
                 "(disent's yamls read it from settings.framework_opt.overlap_loss, class default None = recon_loss)"});
    t.push_back({"overlap_num", ParamType::Int, "512",
                 "random triplets drawn per batch, at most B³ (disent yaml value; class default 1024)", 1.0});
    t.push_back({"overlap_mine_ratio", ParamType::Float, "0.1",
                 "fraction of the drawn triplets kept by the top-k mining modes", 0.0, 1.0});
    t.push_back({"overlap_mine_triplet_mode", ParamType::String, "none",
                 "none | semi_hard_neg (d_ap < d_an < triplet_margin_max on data distances) | hard_neg (smallest d_an) | "
                 "hard_pos (largest d_ap) | easy_pos (smallest d_ap) | ran:<mode>+<mode>... (one picked at random each "
                 "step)"});
    return t;
}

}  // namespace disent::frameworks
