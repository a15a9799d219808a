#include "data/xcolumns.hpp"

#include <cstring>

namespace disent::data {

XColumnsData::XColumnsData(const XYSquaresConfig& cfg) : XYSquaresData(cfg, "xcolumns") {
    static const char* kNames[3] = {"x_R", "x_G", "x_B"};
    std::vector<int64_t> sizes;
    std::vector<std::string> names;
    for (int i = 0; i < num_squares_; ++i) {
        sizes.push_back(grid_.placements);
        names.push_back(kNames[i]);
    }
    states_ = StateSpace(sizes, names);
    // table value (spec §5.5 "x_columns mean 0.125 std 0.33075929223788925"): RGB, 3 columns of 8 px in 64 px
    if (rgb_ && num_squares_ == 3 && grid_.square_size == 8 && grid_.image_size == 64 && fill_ == 255)
        set_constants({{0.125, 0.125, 0.125}, {0.33075929223788925, 0.33075929223788925, 0.33075929223788925}});
    else
        set_constants(compute_constants());
}

void XColumnsData::render(int64_t idx, uint8_t* out) const {
    int64_t pos[3];
    states_.idx_to_pos(idx, pos);
    std::memset(out, 0, static_cast<size_t>(obs_bytes()));
    const int64_t W = width_, H = height_, s = grid_.square_size, C = channels_;
    for (int i = 0; i < num_squares_; ++i) {
        const int64_t x = grid_.coord(pos[i]);
        const int64_t c = rgb_ ? i : 0;
        for (int64_t r = 0; r < H; ++r)
            for (int64_t col = x; col < x + s; ++col) out[(r * W + col) * C + c] = fill_;
    }
}

NormConstants XColumnsData::compute_constants() const {
    const int64_t n = static_cast<int64_t>(height_) * width_;
    const double v = fill_ / 255.0;
    NormConstants out;
    if (rgb_) {
        const std::map<int64_t, long double> one{{grid_.square_size * height_, 1.0L}};
        for (int c = 0; c < 3; ++c) {
            double m = 0, sd = 0;
            if (c < num_squares_) binary_channel_constants(one, n, v, m, sd);
            out.mean.push_back(m);
            out.std.push_back(sd);
        }
        return out;
    }
    const auto hist = union_area_hist_columns(grid_, num_squares_, height_);
    if (hist.empty()) return out;
    double m = 0, sd = 0;
    binary_channel_constants(hist, n, v, m, sd);
    out.mean.push_back(m);
    out.std.push_back(sd);
    return out;
}

}  // namespace disent::data
