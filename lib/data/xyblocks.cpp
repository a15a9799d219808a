#include "data/xyblocks.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace disent::data {

ParamTable XYBlocksData::param_table() {
    return {
        {"grid_size", ParamType::Int, "64", "image width and height (divisible by 2^max level)", 2.0, std::nullopt},
        {"grid_levels", ParamType::IntList, "[1, 2, 3]", "block levels: level k has 2^k blocks per axis", 1.0, 16.0},
        {"rgb", ParamType::Bool, "true", "true: 3 channels; false: 1 grey channel", {}, {}},
        {"palette", ParamType::String, "rgb",
         "rgb mode: white|rgb|colors; grey mode: white|greys_halves|greys_quarters|rgb", {}, {}},
        {"invert_bg", ParamType::Bool, "false", "background 255 instead of 0", {}, {}},
    };
}

XYBlocksData::XYBlocksData(const Params& p) {
    const int64_t grid = p.get_int("grid_size");
    const bool rgb = p.get_bool("rgb");
    const std::string pal = p.get_string("palette");
    levels_ = p.get_int_list("grid_levels");
    if (levels_.empty()) throw UserError("xyblocks: grid_levels must not be empty");
    using C3 = std::array<uint8_t, 3>;
    const C3 R{255, 0, 0}, G{0, 255, 0}, B{0, 0, 255}, Y{255, 255, 0}, C{0, 255, 255}, M{255, 0, 255}, W{255, 255, 255};
    auto grey = [](int v) { return C3{uint8_t(v), uint8_t(v), uint8_t(v)}; };
    if (rgb) {
        if (pal == "white") palette_ = {W};
        else if (pal == "rgb") palette_ = {R, G, B};
        else if (pal == "colors") palette_ = {R, G, B, Y, C, M, W};
    } else {
        if (pal == "white" || pal == "rgb") palette_ = {grey(255)};
        else if (pal == "greys_halves") palette_ = {grey(128), grey(255)};
        else if (pal == "greys_quarters") palette_ = {grey(64), grey(128), grey(192), grey(255)};
    }
    if (palette_.empty())
        throw UserError("xyblocks: unknown palette '" + pal + "' for rgb=" + (rgb ? "true" : "false") + " (expected " +
                        (rgb ? "white, rgb, colors" : "white, greys_halves, greys_quarters, rgb") + ")");
    const uint8_t bgv = p.get_bool("invert_bg") ? 255 : 0;
    bg_ = {bgv, bgv, bgv};
    const int nch = rgb ? 3 : 1;
    for (const auto& c : palette_)
        if (std::memcmp(c.data(), bg_.data(), static_cast<size_t>(nch)) == 0)
            throw UserError("xyblocks: the background colour is also a palette colour (palette '" + pal + "')");
    for (int64_t lv : levels_) {
        const int64_t d = int64_t{1} << lv;
        if (grid % d != 0)
            throw UserError("xyblocks: grid_size " + std::to_string(grid) + " is not divisible by 2^" + std::to_string(lv));
        divisions_.push_back(d);
        block_sizes_.push_back(grid / d);
    }
    std::vector<int64_t> sizes;
    std::vector<std::string> names;
    const int64_t np = static_cast<int64_t>(palette_.size());
    for (int64_t d : divisions_) sizes.push_back(np), names.push_back("color-" + std::to_string(d));
    for (int64_t d : divisions_) sizes.push_back(d), names.push_back("x-" + std::to_string(d));
    for (int64_t d : divisions_) sizes.push_back(d), names.push_back("y-" + std::to_string(d));
    states_ = StateSpace(sizes, names);
    height_ = width_ = static_cast<int>(grid);
    channels_ = nch;
    if (rgb && pal == "rgb" && grid == 64 && levels_ == std::vector<int64_t>{1, 2, 3} && bgv == 0) {
        // spec §5.4 (disent's source comment; 6 significant digits only)
        mean_ = {0.100405, 0.100405, 0.100405};
        std_ = {0.216891, 0.216891, 0.216891};
    }
}

void XYBlocksData::render(int64_t idx, uint8_t* out) const {
    std::vector<int64_t> pos = states_.idx_to_pos(idx);
    const size_t L = levels_.size();
    const int64_t W = width_, C = channels_;
    for (int64_t p = 0; p < static_cast<int64_t>(height_) * W; ++p)
        for (int64_t c = 0; c < C; ++c) out[p * C + c] = bg_[static_cast<size_t>(c)];
    std::vector<size_t> order(L);
    for (size_t k = 0; k < L; ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return block_sizes_[a] > block_sizes_[b]; });
    for (size_t k : order) {  // largest block first, whatever order grid_levels lists them in
        const int64_t s = block_sizes_[k];
        const auto& col = palette_[static_cast<size_t>(pos[k])];
        const int64_t x = pos[L + k], y = pos[2 * L + k];
        const uint8_t* corner = out + ((y * s) * W + x * s) * C;
        const bool same = std::memcmp(corner, col.data(), static_cast<size_t>(C)) == 0;
        const uint8_t* fill = same ? bg_.data() : col.data();
        for (int64_t r = y * s; r < y * s + s; ++r)
            for (int64_t cc = x * s; cc < x * s + s; ++cc)
                for (int64_t c = 0; c < C; ++c) out[(r * W + cc) * C + c] = fill[c];
    }
}

}  // namespace disent::data
