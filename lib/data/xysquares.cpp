#include "data/xysquares.hpp"

#include <cmath>
#include <cstring>

#include "core/error.hpp"

namespace disent::data {

XYSquaresConfig XYSquaresConfig::from_params(const Params& p) {
    XYSquaresConfig c;
    c.square_size = p.get_int("square_size");
    c.image_size = p.get_int("image_size");
    if (!p.is_null("grid_size")) c.grid_size = p.get_int("grid_size");
    if (!p.is_null("grid_spacing")) c.grid_spacing = p.get_int("grid_spacing");
    c.num_squares = static_cast<int>(p.get_int("num_squares"));
    c.rgb = p.get_bool("rgb");
    if (!p.is_null("fill_value")) c.fill_value = p.get_int("fill_value");
    return c;
}

ParamTable XYSquaresData::param_table() {
    return {
        {"square_size", ParamType::Int, "8", "side of each square in pixels", 1.0, std::nullopt},
        {"image_size", ParamType::Int, "64", "width and height of the (square) image in pixels", 2.0, std::nullopt},
        {"grid_size", ParamType::Int, "null",
         "maximum number of placements per axis (null: as many as fit; larger values are clipped)", 1.0,
         std::nullopt, {}, true},
        {"grid_spacing", ParamType::Int, "null",
         "pixels between neighbouring placements (null: square_size; smaller values make squares overlap)", 1.0,
         std::nullopt, {}, true},
        {"num_squares", ParamType::Int, "3", "number of squares (R, G, B in that order)", 1.0, 3.0},
        {"rgb", ParamType::Bool, "true",
         "true: 3 channels, square i drawn in channel i; false: 1 channel, squares drawn as a union", {}, {}},
        {"fill_value", ParamType::Int, "null", "pixel value of a square (null: 255)", 1.0, 255.0, {}, true},
    };
}

namespace {

void check_config(const XYSquaresConfig& c, const std::string& who) {
    if (c.num_squares < 1 || c.num_squares > 3)
        throw UserError(who + ": num_squares must be in [1, 3], got " + std::to_string(c.num_squares));
    if (c.fill_value && (*c.fill_value < 1 || *c.fill_value > 255))
        throw UserError(who + ": fill_value must be in [1, 255] or null, got " + std::to_string(*c.fill_value));
}

}  // namespace

XYSquaresData::XYSquaresData(const XYSquaresConfig& cfg, const std::string& who) {
    check_config(cfg, who);
    grid_ = SquareGrid::make(cfg.square_size, cfg.image_size, cfg.grid_size, cfg.grid_spacing, who);
    num_squares_ = cfg.num_squares;
    rgb_ = cfg.rgb;
    fill_ = static_cast<uint8_t>(cfg.fill_value.value_or(255));
    height_ = width_ = static_cast<int>(grid_.image_size);
    channels_ = rgb_ ? 3 : 1;  // RGB keeps 3 channels even with fewer squares (unused ones stay black)
}

XYSquaresData::XYSquaresData(const XYSquaresConfig& cfg) : XYSquaresData(cfg, "xysquares") {
    static const char* kNames[6] = {"x_R", "y_R", "x_G", "y_G", "x_B", "y_B"};
    std::vector<int64_t> sizes;
    std::vector<std::string> names;
    for (int i = 0; i < 2 * num_squares_; ++i) {
        sizes.push_back(grid_.placements);
        names.push_back(kNames[i]);
    }
    states_ = StateSpace(sizes, names);

    // Known table constants (spec §5.5, paper §3.1): RGB with 3 squares of 8 px in 64 px, fill 255 (any
    // spacing: each channel always holds one whole square), and the default grey configuration.
    const bool base = grid_.square_size == 8 && grid_.image_size == 64 && num_squares_ == 3 && fill_ == 255;
    if (base && rgb_) {
        set_constants({{0.015625, 0.015625, 0.015625},
                       {0.12403473458920855, 0.12403473458920855, 0.12403473458920855}});
    } else if (base && !rgb_ && grid_.spacing == 8 && grid_.placements == 8) {
        set_constants({{0.046146392822265625}, {0.2096506119375896}});
    } else {
        set_constants(compute_constants());
    }
}

void XYSquaresData::set_constants(const NormConstants& c) {
    mean_ = c.mean;
    std_ = c.std;
}

void XYSquaresData::render(int64_t idx, uint8_t* out) const {
    int64_t pos[6];
    states_.idx_to_pos(idx, pos);
    std::memset(out, 0, static_cast<size_t>(obs_bytes()));
    const int64_t W = width_, s = grid_.square_size, C = channels_;
    for (int i = 0; i < num_squares_; ++i) {
        const int64_t x = grid_.coord(pos[2 * i]), y = grid_.coord(pos[2 * i + 1]);
        const int64_t c = rgb_ ? i : 0;  // grey: every square goes into the single channel (union)
        for (int64_t r = y; r < y + s; ++r)
            for (int64_t col = x; col < x + s; ++col) out[(r * W + col) * C + c] = fill_;
    }
}

NormConstants XYSquaresData::compute_constants() const {
    const int64_t n = static_cast<int64_t>(height_) * width_;
    const double v = fill_ / 255.0;
    NormConstants out;
    if (rgb_) {
        // every image has exactly s^2 lit pixels in each used channel: one-point histogram
        const std::map<int64_t, long double> one{{grid_.square_size * grid_.square_size, 1.0L}};
        for (int c = 0; c < 3; ++c) {
            double m = 0, sd = 0;
            if (c < num_squares_) binary_channel_constants(one, n, v, m, sd);
            out.mean.push_back(m);
            out.std.push_back(sd);
        }
        return out;
    }
    const auto hist = union_area_hist_squares(grid_, num_squares_);
    if (hist.empty()) return out;  // too expensive to enumerate: no constants
    double m = 0, sd = 0;
    binary_channel_constants(hist, n, v, m, sd);
    out.mean.push_back(m);
    out.std.push_back(sd);
    return out;
}

}  // namespace disent::data
