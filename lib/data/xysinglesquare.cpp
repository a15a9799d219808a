#include "data/xysinglesquare.hpp"

#include <cstring>

namespace disent::data {

namespace {
std::optional<int64_t> opt_int(const Params& p, const char* key) {
    return p.is_null(key) ? std::nullopt : std::optional<int64_t>(p.get_int(key));
}
}  // namespace

XYSingleSquareData::XYSingleSquareData(int64_t square_size, int64_t image_size, std::optional<int64_t> grid_size,
                                       std::optional<int64_t> grid_spacing) {
    grid_ = SquareGrid::make(square_size, image_size, grid_size, grid_spacing, "xysinglesquare");
    states_ = StateSpace({grid_.placements, grid_.placements}, {"x", "y"});
    height_ = width_ = static_cast<int>(image_size);
    channels_ = 1;
    // no table value in the spec: every image has one whole square, so the constants are closed form
    const NormConstants c = compute_constants();
    mean_ = c.mean;
    std_ = c.std;
}

XYSingleSquareData::XYSingleSquareData(const Params& p)
    : XYSingleSquareData(p.get_int("square_size"), p.get_int("image_size"), opt_int(p, "grid_size"),
                         opt_int(p, "grid_spacing")) {}

ParamTable XYSingleSquareData::param_table() {
    return {
        {"square_size", ParamType::Int, "8", "side of the square in pixels", 1.0, std::nullopt},
        {"image_size", ParamType::Int, "64", "width and height of the (square) image in pixels", 2.0, std::nullopt},
        {"grid_size", ParamType::Int, "null",
         "maximum number of placements per axis (null: as many as fit; larger values are clipped)", 1.0,
         std::nullopt, {}, true},
        {"grid_spacing", ParamType::Int, "null", "pixels between neighbouring placements (null: square_size)",
         1.0, std::nullopt, {}, true},
    };
}

void XYSingleSquareData::render(int64_t idx, uint8_t* out) const {
    int64_t pos[2];
    states_.idx_to_pos(idx, pos);
    std::memset(out, 0, static_cast<size_t>(obs_bytes()));
    const int64_t x = grid_.coord(pos[0]), y = grid_.coord(pos[1]), s = grid_.square_size, W = width_;
    for (int64_t r = y; r < y + s; ++r)
        for (int64_t c = x; c < x + s; ++c) out[r * W + c] = 255;
}

NormConstants XYSingleSquareData::compute_constants() const {
    NormConstants out;
    double m = 0, sd = 0;
    binary_channel_constants({{grid_.square_size * grid_.square_size, 1.0L}},
                             static_cast<int64_t>(height_) * width_, 1.0, m, sd);
    out.mean = {m};
    out.std = {sd};
    return out;
}

}  // namespace disent::data
