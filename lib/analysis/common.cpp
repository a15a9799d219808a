#include "analysis/common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "core/params.hpp"
#include "data/registry.hpp"
#include "io/image_grid.hpp"

namespace disent::analysis {

std::unique_ptr<data::GroundTruthData> make_dataset(const std::string& name, const std::vector<std::string>& params) {
    data::register_all();
    std::map<std::string, std::string> ov;
    for (const auto& p : params) {
        auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) throw UserError("dataset parameter '" + p + "': expected key=value");
        ov[p.substr(0, eq)] = p.substr(eq + 1);
    }
    const auto& entry = data::dataset_registry().get(name);
    std::vector<std::string> known;
    for (const auto& s : entry.info.params) known.push_back(s.name);
    for (const auto& [k, _] : ov) {
        if (std::find(known.begin(), known.end(), k) == known.end()) {
            std::string hint = nearest_name(k, known);
            throw UserError("dataset '" + name + "' has no parameter '" + k + "'" +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
    }
    return data::make_dataset(name, ov);
}

torch::Tensor render_unit(const data::GroundTruthData& ds, const std::vector<int64_t>& indices) {
    const auto n = static_cast<int64_t>(indices.size());
    torch::Tensor raw = torch::empty({n, ds.height(), ds.width(), ds.channels()}, torch::kUInt8);
    uint8_t* p = raw.data_ptr<uint8_t>();
    for (int64_t i = 0; i < n; ++i) ds.render(indices[i], p + i * ds.obs_bytes());
    return raw.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0).contiguous();
}

std::vector<io::Image> render_images(const data::GroundTruthData& ds, const std::vector<int64_t>& indices) {
    std::vector<io::Image> out;
    for (int64_t idx : indices) {
        io::Image img(ds.width(), ds.height(), ds.channels());
        ds.render(idx, img.pixels.data());
        out.push_back(io::to_rgb(img));
    }
    return out;
}

std::vector<io::Image> tensor_to_images(const torch::Tensor& unit) {
    torch::Tensor u8 = unit.detach().to(torch::kCPU).clamp(0.0, 1.0).mul(255.0).round().to(torch::kUInt8)
                           .permute({0, 2, 3, 1}).contiguous();
    std::vector<io::Image> out;
    const int64_t h = u8.size(1), w = u8.size(2), c = u8.size(3);
    for (int64_t i = 0; i < u8.size(0); ++i) {
        io::Image t(static_cast<int>(w), static_cast<int>(h), static_cast<int>(c));
        const uint8_t* p = u8[i].data_ptr<uint8_t>();
        t.pixels.assign(p, p + h * w * c);
        out.push_back(io::to_rgb(t));
    }
    return out;
}

std::vector<int64_t> traversal_indices(const data::GroundTruthData& ds, int f, const std::vector<int64_t>& base) {
    return ds.states().traversal_indices(f, base);
}

std::vector<double> traversal_matrix(const data::GroundTruthData& ds, const losses::ReconLoss& loss, int f,
                                     const std::vector<int64_t>& base) {
    torch::NoGradGuard no_grad;
    const auto idx = traversal_indices(ds, f, base);
    const auto n = static_cast<int64_t>(idx.size());
    std::vector<double> m(static_cast<size_t>(n * n), 0.0);
    if (n < 2) return m;
    torch::Tensor x = render_unit(ds, idx);
    std::vector<int64_t> ia, ib;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = i + 1; j < n; ++j) ia.push_back(i), ib.push_back(j);
    torch::Tensor ta = torch::tensor(ia, torch::kLong), tb = torch::tensor(ib, torch::kLong);
    torch::Tensor d = loss.pairwise(x.index_select(0, ta), x.index_select(0, tb)).to(torch::kFloat64).contiguous();
    const double* dp = d.data_ptr<double>();
    for (size_t k = 0; k < ia.size(); ++k) m[ia[k] * n + ib[k]] = m[ib[k] * n + ia[k]] = dp[k];
    return m;
}

std::pair<double, double> mean_std(const std::vector<double>& v) {
    if (v.empty()) return {std::nan(""), std::nan("")};
    double s = 0;
    for (double x : v) s += x;
    const double m = s / static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - m) * (x - m);
    return {m, std::sqrt(ss / static_cast<double>(v.size()))};
}

namespace {
std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        // values equal up to float32 rounding (relative 1e-6) are ties: a loss evaluated in float32 gives
        // "equal" distances that differ in the last bits depending on the summation order
        const double tol = 1e-6 * std::max(std::fabs(v[order[i]]), 1e-30);
        while (j + 1 < order.size() && v[order[j + 1]] - v[order[i]] <= tol) ++j;
        const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
        for (size_t k = i; k <= j; ++k) r[order[k]] = avg;
        i = j + 1;
    }
    return r;
}
}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size() || a.size() < 2) return std::nan("");
    const auto ra = ranks(a), rb = ranks(b);
    const auto [ma, sa] = mean_std(ra);
    const auto [mb, sb] = mean_std(rb);
    if (sa == 0 || sb == 0) return std::nan("");
    double c = 0;
    for (size_t i = 0; i < ra.size(); ++i) c += (ra[i] - ma) * (rb[i] - mb);
    return c / static_cast<double>(ra.size()) / (sa * sb);
}

// ---- plotting ------------------------------------------------------------------------------------

Rgb series_color(int i) {
    static const Rgb kTab10[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},   {148, 103, 189},
                                 {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return kTab10[static_cast<size_t>(i) % 10];
}

Rgb ramp(double t, Rgb dark) {
    if (!std::isfinite(t)) t = 0;
    t = std::clamp(t, 0.0, 1.0);
    Rgb c{};
    for (int k = 0; k < 3; ++k)
        c[k] = static_cast<uint8_t>(std::lround(247.0 + (static_cast<double>(dark[k]) - 247.0) * t));
    return c;
}

std::string short_number(double v) {
    char buf[32];
    if (!std::isfinite(v)) return "nan";
    if (v == 0) return "0";
    if (std::fabs(v) >= 1e-3 && std::fabs(v) < 1e4)
        std::snprintf(buf, sizeof buf, std::fabs(v) < 1 ? "%.4f" : "%.3g", v);
    else
        std::snprintf(buf, sizeof buf, "%.2e", v);
    return buf;
}

void blit(io::Image& dst, const io::Image& src, int x, int y) {
    for (int yy = 0; yy < src.height; ++yy) {
        if (y + yy < 0 || y + yy >= dst.height) continue;
        for (int xx = 0; xx < src.width; ++xx) {
            if (x + xx < 0 || x + xx >= dst.width) continue;
            const uint8_t* s = src.at(xx, yy);
            uint8_t* d = dst.at(x + xx, y + yy);
            for (int c = 0; c < 3; ++c) d[c] = s[src.channels == 1 ? 0 : c];
        }
    }
}

io::Image upscale(const io::Image& img, int factor) {
    if (factor <= 1) return img;
    io::Image out(img.width * factor, img.height * factor, img.channels);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            std::copy_n(img.at(x / factor, y / factor), img.channels, out.at(x, y));
    return out;
}

namespace {
void fill_rect(io::Image& img, int x0, int y0, int w, int h, Rgb c) {
    for (int y = std::max(0, y0); y < std::min(img.height, y0 + h); ++y)
        for (int x = std::max(0, x0); x < std::min(img.width, x0 + w); ++x) {
            uint8_t* p = img.at(x, y);
            p[0] = c[0], p[1] = c[1], p[2] = c[2];
        }
}

void line(io::Image& img, int x0, int y0, int x1, int y1, Rgb c, int thick = 1) {
    int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
        fill_rect(img, x0 - thick / 2, y0 - thick / 2, thick, thick, c);
        if (x0 == x1 && y0 == y1) break;
        const int e2 = 2 * err;
        if (e2 >= dy) err += dy, x0 += sx;
        if (e2 <= dx) err += dx, y0 += sy;
    }
}
}  // namespace

io::Image heatmap_panel(const std::vector<double>& m, int n, Rgb dark, int size) {
    const int cell = std::max(1, size / std::max(1, n));
    const int side = cell * n;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : m)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    const int margin_l = 12, margin_t = 10, margin_b = 20;
    io::Image img(margin_l + side + 4, margin_t + side + margin_b, 3, 255);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const double v = m[static_cast<size_t>(i) * n + j];
            const double t = hi > lo ? (v - lo) / (hi - lo) : (std::isfinite(v) && hi == lo ? 0.5 : 0.0);
            fill_rect(img, margin_l + j * cell, margin_t + i * cell, cell, cell, ramp(t, dark));
        }
    // frame + axis labels: j runs left to right (top), i runs top to bottom (left)
    line(img, margin_l - 1, margin_t - 1, margin_l + side, margin_t - 1, kGrey);
    line(img, margin_l - 1, margin_t + side, margin_l + side, margin_t + side, kGrey);
    line(img, margin_l - 1, margin_t - 1, margin_l - 1, margin_t + side, kGrey);
    line(img, margin_l + side, margin_t - 1, margin_l + side, margin_t + side, kGrey);
    io::draw_text(img, margin_l + side / 2 - 2, 1, "j", kBlack);
    io::draw_text(img, 2, margin_t + side / 2 - 3, "i", kBlack);
    std::string range = short_number(std::isfinite(lo) ? lo : std::nan("")) + "-" + short_number(std::isfinite(hi) ? hi : std::nan(""));
    io::draw_text(img, 2, margin_t + side + 4, range, {80, 80, 80});
    return img;
}

io::Image panel_figure(const std::vector<io::Image>& panels, int rows, int cols, const std::string& title,
                       const std::vector<std::string>& col_labels, const std::vector<std::string>& row_labels) {
    int pw = 0, ph = 0;
    for (const auto& p : panels) pw = std::max(pw, p.width), ph = std::max(ph, p.height);
    int label_w = 0;
    for (const auto& l : row_labels) label_w = std::max(label_w, io::text_width(l));
    int col_w = pw;
    for (const auto& l : col_labels) col_w = std::max(col_w, io::text_width(l) + 4);
    const int pad = 6, title_h = title.empty() ? 0 : 14, head_h = col_labels.empty() ? 0 : 12;
    const int left = pad + (label_w ? label_w + pad : 0), top = pad + title_h + head_h;
    const int width = std::max(left + cols * (col_w + pad), io::text_width(title) + 2 * pad);
    io::Image img(width, top + rows * (ph + pad), 3, 255);
    if (!title.empty()) io::draw_text(img, pad, pad, title, kBlack);
    for (int c = 0; c < cols && c < static_cast<int>(col_labels.size()); ++c)
        io::draw_text(img, left + c * (col_w + pad), pad + title_h, col_labels[c], kBlack);
    for (int r = 0; r < rows; ++r) {
        if (r < static_cast<int>(row_labels.size()))
            io::draw_text(img, pad, top + r * (ph + pad) + ph / 2 - 3, row_labels[r], kBlack);
        for (int c = 0; c < cols; ++c) {
            const size_t k = static_cast<size_t>(r) * cols + c;
            if (k < panels.size() && panels[k].width > 0) blit(img, panels[k], left + c * (col_w + pad), top + r * (ph + pad));
        }
    }
    return img;
}

io::Image cdf_plot(const std::vector<std::vector<double>>& series, const std::vector<std::string>& names,
                   const std::string& title, const std::string& x_label) {
    const int W = 420, H = 270, ml = 40, mr = 12, mt = 30, mb = 34;
    double hi = 0;
    for (const auto& s : series)
        for (double v : s)
            if (std::isfinite(v)) hi = std::max(hi, v);
    if (hi <= 0) hi = 1;
    hi *= 1.05;
    int legend_w = 0;
    for (const auto& n : names) legend_w = std::max(legend_w, io::text_width(n) + 16);
    io::Image img(W + legend_w + 8, H, 3, 255);
    const int pw = W - ml - mr, ph = H - mt - mb;
    auto X = [&](double v) { return ml + static_cast<int>(std::lround(v / hi * pw)); };
    auto Y = [&](double p) { return mt + ph - static_cast<int>(std::lround(p * ph)); };
    io::draw_text(img, 2, 3, title, kBlack);
    // axes, ticks and labels
    line(img, ml, mt, ml, mt + ph, kBlack);
    line(img, ml, mt + ph, ml + pw, mt + ph, kBlack);
    for (int k = 0; k <= 4; ++k) {
        const double p = k / 4.0, v = hi * k / 4.0;
        line(img, ml - 3, Y(p), ml, Y(p), kBlack);
        line(img, X(v), mt + ph, X(v), mt + ph + 3, kBlack);
        std::string py = k == 0 ? "0" : k == 4 ? "1" : short_number(p);
        io::draw_text(img, ml - 5 - io::text_width(py), Y(p) - 3, py, kBlack);
        std::string vx = short_number(v);
        io::draw_text(img, std::min(X(v) - io::text_width(vx) / 2, W - io::text_width(vx)), mt + ph + 6, vx, kBlack);
    }
    io::draw_text(img, ml + pw / 2 - io::text_width(x_label) / 2, H - 11, x_label, kBlack);
    io::draw_text(img, 2, 16, "cumulative fraction", kBlack);
    for (size_t s = 0; s < series.size(); ++s) {
        std::vector<double> v;
        for (double x : series[s])
            if (std::isfinite(x)) v.push_back(x);
        std::sort(v.begin(), v.end());
        const Rgb c = series_color(static_cast<int>(s));
        int px = X(0), py = Y(0);
        const double n = static_cast<double>(v.size());
        for (size_t i = 0; i < v.size(); ++i) {
            // advance to the end of a run of equal values: a vertical step there
            size_t j = i;
            while (j + 1 < v.size() && v[j + 1] == v[i]) ++j;
            const int x = X(v[i]), y = Y(static_cast<double>(j + 1) / n);
            line(img, px, py, x, py, c, 2);
            line(img, x, py, x, y, c, 2);
            px = x, py = y, i = j;
        }
        line(img, px, py, ml + pw, py, c, 2);
        // legend
        const int ly = mt + 4 + static_cast<int>(s) * 10;
        fill_rect(img, W + 2, ly + 2, 10, 3, c);
        io::draw_text(img, W + 16, ly, names[s], kBlack);
    }
    return img;
}

}  // namespace disent::analysis
