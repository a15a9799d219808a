#include "analysis/importance.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/common.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"

namespace disent::analysis {

namespace {

// Accumulates (image a, image b) pairs and evaluates them in batches.
class PairBatcher {
public:
    PairBatcher(const losses::ReconLoss& loss, std::vector<double>& out) : loss_(loss), out_(out) {}
    void add(const torch::Tensor& a, const torch::Tensor& b) {
        a_.push_back(a), b_.push_back(b);
        pending_ += a.size(0);
        if (pending_ >= kBatch) flush();
    }
    void flush() {
        if (pending_ == 0) return;
        torch::NoGradGuard no_grad;
        torch::Tensor d = loss_.pairwise(torch::cat(a_), torch::cat(b_)).to(torch::kFloat64).contiguous();
        const double* p = d.data_ptr<double>();
        out_.insert(out_.end(), p, p + d.size(0));
        a_.clear(), b_.clear();
        pending_ = 0;
    }

private:
    static constexpr int64_t kBatch = 256;
    const losses::ReconLoss& loss_;
    std::vector<double>& out_;
    std::vector<torch::Tensor> a_, b_;
    int64_t pending_ = 0;
};

ImportanceRow finish(std::string name, std::vector<double> d, int64_t keep) {
    if (keep > 0 && static_cast<int64_t>(d.size()) > keep) d.resize(static_cast<size_t>(keep));
    ImportanceRow r;
    r.factor = std::move(name);
    std::tie(r.mean, r.std) = mean_std(d);
    r.pairs = static_cast<int64_t>(d.size());
    r.distances = std::move(d);
    return r;
}

}  // namespace

std::vector<ImportanceRow> factor_importance(const data::GroundTruthData& ds, const losses::ReconLoss& loss,
                                             const ImportanceOptions& opt) {
    if (opt.pairs < 1) throw UserError("importance: --pairs must be at least 1");
    if (opt.exact && opt.traversals < 1) throw UserError("importance: --traversals must be at least 1");
    const auto& st = ds.states();
    const int F = st.num_factors();
    std::vector<ImportanceRow> rows;
    // per factor: TempNumpySeed(777) in the paper, here a stream per factor derived from the seed
    for (int f = 0; f < F; ++f) {
        Rng rng(derive_seed(opt.seed, static_cast<uint64_t>(f)));
        const int64_t n = st.factor_sizes()[f];
        std::vector<double> d;
        if (n < 2) {
            rows.push_back(finish(st.factor_names()[f], {}, 0));
            continue;
        }
        PairBatcher batch(loss, d);
        std::vector<int64_t> base(static_cast<size_t>(F));
        const int64_t draws = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(n) * std::sqrt(static_cast<double>(n)) / 2.0));
        int64_t collected = 0, t = 0;
        while (opt.exact ? t < opt.traversals : collected < opt.pairs) {
            ++t;
            st.sample_factors(rng, base.data());
            torch::Tensor x = render_unit(ds, st.traversal_indices(f, base));
            std::vector<int64_t> ia, ib;
            if (opt.exact) {
                for (int64_t i = 0; i < n; ++i)
                    for (int64_t j = 0; j < n; ++j)
                        if (i != j) ia.push_back(i), ib.push_back(j);
            } else {
                for (int64_t k = 0; k < draws; ++k) {
                    const int64_t a = rng.uniform_int(0, n - 1), b = rng.uniform_int(0, n - 1);
                    if (a != b) ia.push_back(a), ib.push_back(b);
                }
            }
            if (ia.empty()) continue;
            collected += static_cast<int64_t>(ia.size());
            batch.add(x.index_select(0, torch::tensor(ia, torch::kLong)), x.index_select(0, torch::tensor(ib, torch::kLong)));
        }
        batch.flush();
        rows.push_back(finish(st.factor_names()[f], std::move(d), opt.exact ? 0 : opt.pairs));
    }
    // random pairs (uniform over the whole dataset, i = j allowed)
    {
        Rng rng(derive_seed(opt.seed, 1000003));
        std::vector<double> d;
        PairBatcher batch(loss, d);
        const int64_t chunk = 256;
        for (int64_t done = 0; done < opt.pairs; done += chunk) {
            const int64_t m = std::min(chunk, opt.pairs - done);
            std::vector<int64_t> ia(static_cast<size_t>(m)), ib(static_cast<size_t>(m));
            for (int64_t k = 0; k < m; ++k) ia[k] = st.sample_index(rng), ib[k] = st.sample_index(rng);
            batch.add(render_unit(ds, ia), render_unit(ds, ib));
            batch.flush();
        }
        rows.push_back(finish("random", std::move(d), opt.pairs));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const ImportanceRow& a, const ImportanceRow& b) {
        const double ma = std::isfinite(a.mean) ? a.mean : -1, mb = std::isfinite(b.mean) ? b.mean : -1;
        return ma > mb;
    });
    return rows;
}

void write_importance(const std::string& dir, const std::vector<ImportanceRow>& rows, const std::string& dataset,
                      const std::string& loss) {
    io::make_dirs(dir);
    io::CsvTable t({"factor", "mean", "std", "pairs"});
    std::vector<std::vector<double>> series;
    std::vector<std::string> names;
    for (const auto& r : rows) {
        t.add_row({r.factor, io::format_double(r.mean), io::format_double(r.std), std::to_string(r.pairs)});
        series.push_back(r.distances);
        names.push_back(r.factor + " " + short_number(r.mean));
    }
    t.save(dir + "/importance.csv");
    io::write_png(dir + "/importance.png",
                  cdf_plot(series, names, "factor importance: " + dataset + ", " + loss + " ([0,1] data)",
                           "perceived distance (" + loss + ")"));
}

}  // namespace disent::analysis
