#pragma once
// Shared pieces of the paper's analyses (`disent-run analyse ...`): datasets rendered to [0,1] tensors,
// perceived-distance matrices along factor traversals, rank correlation, and the small plotting kit
// (heatmaps, line plots, labelled image grids) drawn with io::draw_text so figures need no font files.
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/ground_truth.hpp"
#include "io/png.hpp"
#include "losses/recon_loss.hpp"

namespace disent::analysis {

// A dataset by registry name with key=value parameters (as `data export`), unknown keys rejected
// with a UserError naming the nearest parameter.
std::unique_ptr<data::GroundTruthData> make_dataset(const std::string& name, const std::vector<std::string>& params);

// Observations as float32 (N, C, H, W) in [0, 1] on the CPU.
torch::Tensor render_unit(const data::GroundTruthData& ds, const std::vector<int64_t>& indices);
// uint8 HWC images of indices (for pictures).
std::vector<io::Image> render_images(const data::GroundTruthData& ds, const std::vector<int64_t>& indices);
// (N, C, H, W) float in [0, 1] → RGB images (values clamped, rounded).
std::vector<io::Image> tensor_to_images(const torch::Tensor& unit);

// Indices of the full traversal of factor f (values 0..n_f-1 in order) from `base`.
std::vector<int64_t> traversal_indices(const data::GroundTruthData& ds, int f, const std::vector<int64_t>& base);

// Perceived distance of every pair (i, j) along one traversal of factor f from `base`: an n_f x n_f
// symmetric matrix (zero diagonal) of loss.pairwise (mean over C·H·W) on [0, 1] images.
std::vector<double> traversal_matrix(const data::GroundTruthData& ds, const losses::ReconLoss& loss, int f,
                                     const std::vector<int64_t>& base);

// Mean and population std (ddof = 0), in double.
std::pair<double, double> mean_std(const std::vector<double>& v);
// Spearman rank correlation (average ranks for ties; values equal to a relative 1e-6 count as tied, so
// float32 rounding noise does not invent an order); NaN when either side is constant or n < 2.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

// ---- plotting ------------------------------------------------------------------------------------
using Rgb = std::array<uint8_t, 3>;
inline constexpr Rgb kBlack{0, 0, 0}, kWhite{255, 255, 255}, kGrey{128, 128, 128};
// Colour of one series in line plots (tab10-like).
Rgb series_color(int i);
// Linear colour map from white (t = 0) to `dark` (t = 1).
Rgb ramp(double t, Rgb dark);
inline constexpr Rgb kBlues{8, 48, 107}, kPurples{63, 0, 125}, kReds{103, 0, 13}, kGreens{0, 68, 27};

// One heatmap panel of an n x n matrix (row-major), auto-scaled to its own min/max (as matplotlib
// imshow), `size` pixels square (rounded to whole cells), with "i" / "j" axis labels and min/max text.
io::Image heatmap_panel(const std::vector<double>& m, int n, Rgb dark, int size = 96);

// A figure of panels: rows x cols panels (all the same size, row-major; empty image = blank cell), a
// title on top, column headers and row labels. Returns an RGB image.
io::Image panel_figure(const std::vector<io::Image>& panels, int rows, int cols, const std::string& title,
                       const std::vector<std::string>& col_labels, const std::vector<std::string>& row_labels);

// Step-line plot of empirical cumulative distributions, one per series, with labelled axes and a legend.
io::Image cdf_plot(const std::vector<std::vector<double>>& series, const std::vector<std::string>& names,
                   const std::string& title, const std::string& x_label);

// Upscale an image by an integer factor (nearest neighbour).
io::Image upscale(const io::Image& img, int factor);
// Blit src into dst at (x, y) (both RGB), clipped.
void blit(io::Image& dst, const io::Image& src, int x, int y);

// Short fixed-precision text of a value ("0.0104", "1.2e-05").
std::string short_number(double v);

}  // namespace disent::analysis
