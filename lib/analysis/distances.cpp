#include "analysis/distances.hpp"

#include <cmath>

#include "analysis/common.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"

namespace disent::analysis {

std::vector<FactorMatrices> distance_matrices(const data::GroundTruthData& ds, const losses::ReconLoss& loss,
                                              int64_t traversals, uint64_t seed) {
    if (traversals < 1) throw UserError("distances: --traversals must be at least 1");
    const auto& st = ds.states();
    const int F = st.num_factors();
    std::vector<FactorMatrices> out;
    Rng rng(seed);
    std::vector<int64_t> base(static_cast<size_t>(F));
    for (int f = 0; f < F; ++f) {
        FactorMatrices m;
        m.factor = st.factor_names()[f];
        m.n = static_cast<int>(st.factor_sizes()[f]);
        const size_t nn = static_cast<size_t>(m.n) * m.n;
        m.ground_truth.assign(nn, 0.0);
        m.perceived.assign(nn, 0.0);
        for (int i = 0; i < m.n; ++i)
            for (int j = 0; j < m.n; ++j) m.ground_truth[static_cast<size_t>(i) * m.n + j] = std::abs(i - j);
        for (int64_t t = 0; t < traversals; ++t) {
            st.sample_factors(rng, base.data());
            const auto d = traversal_matrix(ds, loss, f, base);
            for (size_t k = 0; k < nn; ++k) m.perceived[k] += d[k];
        }
        for (auto& v : m.perceived) v /= static_cast<double>(traversals);
        out.push_back(std::move(m));
    }
    return out;
}

void write_distances(const std::string& dir, const std::vector<FactorMatrices>& ms, const std::string& dataset,
                     const std::string& loss) {
    io::make_dirs(dir);
    io::CsvTable t({"factor", "i", "j", "ground_truth", "perceived"});
    std::vector<io::Image> panels;
    std::vector<std::string> row_labels;
    for (const auto& m : ms) {
        for (int i = 0; i < m.n; ++i)
            for (int j = 0; j < m.n; ++j) {
                const size_t k = static_cast<size_t>(i) * m.n + j;
                t.add_row({m.factor, std::to_string(i), std::to_string(j), io::format_double(m.ground_truth[k]),
                           io::format_double(m.perceived[k])});
            }
        panels.push_back(heatmap_panel(m.ground_truth, m.n, kBlues));
        panels.push_back(heatmap_panel(m.perceived, m.n, kPurples));
        row_labels.push_back(m.factor + " (" + std::to_string(m.n) + ")");
    }
    t.save(dir + "/distances.csv");
    io::write_png(dir + "/distances.png",
                  panel_figure(panels, static_cast<int>(ms.size()), 2, "distances along factors: " + dataset,
                               {"ground truth (L1)", "perceived (" + loss + ")"}, row_labels));
}

}  // namespace disent::analysis
