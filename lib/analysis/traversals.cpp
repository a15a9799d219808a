#include "analysis/traversals.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/common.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"
#include "io/gif.hpp"
#include "io/image_grid.hpp"

namespace disent::analysis {

TraversalFigure dataset_traversals(const data::GroundTruthData& ds, int64_t frames, uint64_t seed) {
    if (frames < 1) throw UserError("traversals: --frames must be at least 1");
    const auto& st = ds.states();
    Rng rng(seed);
    std::vector<int64_t> base(static_cast<size_t>(st.num_factors()));
    st.sample_factors(rng, base.data());  // one base for every row, as in the paper's Fig 5
    TraversalFigure t;
    for (int f = 0; f < st.num_factors(); ++f) {
        const int64_t n = std::min<int64_t>(frames, st.factor_sizes()[f]);
        const auto pos = st.traversal(f, base, n, "interval");
        std::vector<int64_t> idx;
        std::vector<double> vals;
        for (const auto& p : pos) idx.push_back(st.pos_to_idx(p)), vals.push_back(static_cast<double>(p[f]));
        t.rows.push_back(st.factor_names()[f]);
        t.tiles.push_back(render_images(ds, idx));
        t.values.push_back(vals);
    }
    return t;
}

TraversalFigure latent_traversals(train::Experiment& e, int64_t frames, uint64_t seed) {
    if (frames < 2) throw UserError("traversals: --frames must be at least 2 for latent traversals");
    torch::NoGradGuard no_grad;
    Rng rng(seed);
    std::vector<int64_t> idx(64);
    for (auto& i : idx) i = e.dataset->states().sample_index(rng);
    torch::Tensor mu = e.framework->encode(e.to_input(e.render(idx))).to(torch::kFloat32);  // (64, Z)
    const int64_t z = mu.size(1);
    torch::Tensor lo = std::get<0>(mu.min(0)), hi = std::get<0>(mu.max(0));
    torch::Tensor steps = torch::linspace(0.0, 1.0, frames, mu.options());
    TraversalFigure t;
    t.latent = true;
    for (int64_t d = 0; d < z; ++d) {
        torch::Tensor codes = mu[0].repeat({frames, 1});
        torch::Tensor col = lo[d] + steps * (hi[d] - lo[d]);
        codes.index_put_({torch::indexing::Slice(), d}, col);
        t.rows.push_back("z" + std::to_string(d));
        t.tiles.push_back(tensor_to_images(e.to_unit(e.framework->decode(codes))));
        torch::Tensor cv = col.to(torch::kCPU).to(torch::kFloat64).contiguous();
        t.values.emplace_back(cv.data_ptr<double>(), cv.data_ptr<double>() + frames);
    }
    return t;
}

void write_traversals(const std::string& dir, const TraversalFigure& t, const std::string& title) {
    io::make_dirs(dir);
    io::CsvTable csv({"row", "frame", "value"});
    size_t cols = 0;
    for (size_t r = 0; r < t.rows.size(); ++r) {
        cols = std::max(cols, t.tiles[r].size());
        for (size_t k = 0; k < t.values[r].size(); ++k)
            csv.add_row({t.rows[r], std::to_string(k), io::format_double(t.values[r][k])});
    }
    csv.save(dir + "/traversals.csv");
    if (t.rows.empty() || cols == 0) throw UserError("traversals: nothing to draw");
    // PNG: rows x frames, each tile framed, row labels on the left, frame numbers on top
    std::vector<io::Image> panels;
    for (size_t r = 0; r < t.rows.size(); ++r)
        for (size_t k = 0; k < cols; ++k) panels.push_back(k < t.tiles[r].size() ? t.tiles[r][k] : io::Image{});
    std::vector<std::string> col_labels;
    for (size_t k = 0; k < cols; ++k) col_labels.push_back(t.latent ? (k == 0 ? "min" : k + 1 == cols ? "max" : "") : std::to_string(k));
    io::write_png(dir + "/traversals.png",
                  panel_figure(panels, static_cast<int>(t.rows.size()), static_cast<int>(cols), title, col_labels, t.rows));
    // GIF: a triangle cycle 0..max..1; frame k shows every row's k-th tile side by side, labelled
    std::vector<io::Image> frames;
    std::vector<size_t> order;
    for (size_t k = 0; k < cols; ++k) order.push_back(k);
    for (size_t k = cols >= 2 ? cols - 2 : 0; k >= 1 && cols >= 3; --k) order.push_back(k);
    for (size_t k : order) {
        std::vector<io::Image> row;
        for (size_t r = 0; r < t.rows.size(); ++r) {
            const auto& tiles = t.tiles[r];
            // rows shorter than the cycle hold their last tile
            row.push_back(tiles[std::min(k, tiles.size() - 1)]);
        }
        frames.push_back(panel_figure(row, 1, static_cast<int>(row.size()), title, t.rows, {}));
    }
    io::write_gif(dir + "/traversals.gif", frames, 15);
}

}  // namespace disent::analysis
