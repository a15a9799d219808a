#include "data/xyobject.hpp"

#include <cstring>

#include "core/error.hpp"

namespace disent::data {

namespace {
const Colour R{255, 0, 0}, G{0, 255, 0}, B{0, 0, 255}, Y{255, 255, 0}, C{0, 255, 255}, M{255, 0, 255},
    W{255, 255, 255};

ParamTable geometry_table() {
    return {
        {"grid_size", ParamType::Int, "64", "image width and height in pixels", 2.0, std::nullopt},
        {"grid_spacing", ParamType::Int, "2", "pixels between neighbouring placements", 1.0, std::nullopt},
        {"min_square_size", ParamType::Int, "7", "smallest square side", 1.0, std::nullopt},
        {"max_square_size", ParamType::Int, "15", "largest square side", 1.0, std::nullopt},
        {"square_size_spacing", ParamType::Int, "2", "step between square sizes", 1.0, std::nullopt},
        {"rgb", ParamType::Bool, "true", "true: 3 channels; false: 1 grey channel", {}, {}},
        {"palette", ParamType::String, "rainbow_4",
         "<family>_<levels>, family greys|colors|rgb|rainbow (grey mode: greys|rainbow), levels 1|2|4",
         {}, {}},
    };
}

// The spec's table constants (§5.5) hold for the default RGB configuration only.
bool is_default(const XYObjectGeometry& g, bool rgb, const std::string& palette) {
    return g.grid_size == 64 && g.grid_spacing == 2 && g.min_square_size == 7 && g.max_square_size == 15 &&
           g.square_size_spacing == 2 && rgb && palette == "rainbow_4";
}
}  // namespace

std::vector<Colour> xyobject_base_palette(const std::string& family, bool rgb) {
    if (!rgb) {
        if (family == "greys" || family == "rainbow") return {W};
        return {};
    }
    if (family == "greys") return {W};
    if (family == "colors") return {R, G, B, Y, C, M, W};
    if (family == "rgb") return {R, G, B};
    if (family == "rainbow") return {R, Y, G, C, B, M};
    return {};
}

std::pair<std::string, int> split_palette_name(const std::string& palette, bool rgb, const std::string& who) {
    const auto us = palette.rfind('_');
    const std::string allowed = rgb ? "greys|colors|rgb|rainbow" : "greys|rainbow";
    auto bad = [&] {
        return UserError(who + ": palette '" + palette + "' must be <family>_<levels> with family " + allowed +
                         " and levels 1, 2 or 4" + (rgb ? "" : " (rgb=false)"));
    };
    if (us == std::string::npos) throw bad();
    const std::string family = palette.substr(0, us), lv = palette.substr(us + 1);
    if (lv != "1" && lv != "2" && lv != "4") throw bad();
    if (xyobject_base_palette(family, rgb).empty()) throw bad();
    return {family, std::stoi(lv)};
}

std::vector<Colour> xyobject_palette(const std::string& palette, bool rgb) {
    auto [family, levels] = split_palette_name(palette, rgb, "xyobject");
    const auto base = xyobject_base_palette(family, rgb);
    std::vector<Colour> out;
    for (int i = 1; i <= levels; ++i)
        for (const auto& c : base)
            out.push_back({static_cast<uint8_t>(c[0] * i / levels), static_cast<uint8_t>(c[1] * i / levels),
                           static_cast<uint8_t>(c[2] * i / levels)});
    return out;
}

XYObjectGeometry XYObjectGeometry::from_params(const Params& p, const std::string& who) {
    XYObjectGeometry g;
    g.grid_size = p.get_int("grid_size");
    g.grid_spacing = p.get_int("grid_spacing");
    g.min_square_size = p.get_int("min_square_size");
    g.max_square_size = p.get_int("max_square_size");
    g.square_size_spacing = p.get_int("square_size_spacing");
    if (g.min_square_size > g.max_square_size)
        throw UserError(who + ": min_square_size " + std::to_string(g.min_square_size) + " exceeds max_square_size " +
                        std::to_string(g.max_square_size));
    if (g.max_square_size > g.grid_size)
        throw UserError(who + ": max_square_size " + std::to_string(g.max_square_size) + " exceeds grid_size " +
                        std::to_string(g.grid_size));
    for (int64_t s = g.min_square_size; s <= g.max_square_size; s += g.square_size_spacing) g.scales.push_back(s);
    g.placements = (g.grid_size - g.max_square_size) / g.grid_spacing + 1;
    return g;
}

ParamTable XYObjectData::param_table() { return geometry_table(); }

XYObjectData::XYObjectData(const Params& p) {
    geo_ = XYObjectGeometry::from_params(p, "xyobject");
    const bool rgb = p.get_bool("rgb");
    palette_ = xyobject_palette(p.get_string("palette"), rgb);
    height_ = width_ = static_cast<int>(geo_.grid_size);
    channels_ = rgb ? 3 : 1;
    states_ = StateSpace({geo_.placements, geo_.placements, static_cast<int64_t>(geo_.scales.size()),
                          static_cast<int64_t>(palette_.size())},
                         {"x", "y", "scale", "color"});
    if (is_default(geo_, rgb, p.get_string("palette"))) {
        mean_ = {0.009818761549013288, 0.009818761549013288, 0.009818761549013288};
        std_ = {0.052632363725245844, 0.05263236372524584, 0.05263236372524585};
    }
}

void XYObjectData::draw(int64_t fx, int64_t fy, int64_t scale_idx, const Colour& c, uint8_t* out) const {
    std::memset(out, 0, static_cast<size_t>(obs_bytes()));
    const int64_t s = geo_.scales[static_cast<size_t>(scale_idx)];
    const int64_t r = (geo_.max_square_size - s) / 2;  // [QUIRK] disent's max wins: centred in the largest square
    const int64_t x = geo_.grid_spacing * fx + r, y = geo_.grid_spacing * fy + r;
    const int64_t W = width_, C = channels_;
    for (int64_t row = y; row < y + s; ++row)
        for (int64_t col = x; col < x + s; ++col)
            for (int64_t ch = 0; ch < C; ++ch) out[(row * W + col) * C + ch] = c[static_cast<size_t>(ch)];
}

void XYObjectData::render(int64_t idx, uint8_t* out) const {
    int64_t pos[4];
    states_.idx_to_pos(idx, pos);
    draw(pos[0], pos[1], pos[2], palette_[static_cast<size_t>(pos[3])], out);
}

ParamTable XYObjectShadedData::param_table() {
    ParamTable t = geometry_table();
    t.push_back({"brightness_levels", ParamType::Int, "null",
                 "number of intensity levels (null: the palette's suffix; an explicit value wins)", 1.0, 255.0, {},
                 true});
    return t;
}

XYObjectShadedData::XYObjectShadedData(const Params& p) {
    geo_ = XYObjectGeometry::from_params(p, "xyobject_shaded");
    const bool rgb = p.get_bool("rgb");
    auto [family, levels] = split_palette_name(p.get_string("palette"), rgb, "xyobject_shaded");
    if (!p.is_null("brightness_levels")) {
        const int explicit_levels = static_cast<int>(p.get_int("brightness_levels"));
        if (explicit_levels != levels)
            warnings_.push_back("brightness_levels=" + std::to_string(explicit_levels) + " overrides the palette's " +
                                std::to_string(levels) + " levels");
        levels = explicit_levels;
    }
    levels_ = levels;
    base_ = xyobject_base_palette(family, rgb);
    height_ = width_ = static_cast<int>(geo_.grid_size);
    channels_ = rgb ? 3 : 1;
    states_ = StateSpace({geo_.placements, geo_.placements, static_cast<int64_t>(geo_.scales.size()), levels_,
                          static_cast<int64_t>(base_.size())},
                         {"x", "y", "scale", "intensity", "color"});
    if (is_default(geo_, rgb, p.get_string("palette")) && p.is_null("brightness_levels")) {
        mean_ = {0.009818761549013288, 0.009818761549013288, 0.009818761549013288};
        std_ = {0.052632363725245844, 0.05263236372524584, 0.05263236372524585};
    }
}

void XYObjectShadedData::render(int64_t idx, uint8_t* out) const {
    int64_t pos[5];
    states_.idx_to_pos(idx, pos);
    const Colour& b = base_[static_cast<size_t>(pos[4])];
    const int64_t k = pos[3] + 1;
    const Colour c{static_cast<uint8_t>(b[0] * k / levels_), static_cast<uint8_t>(b[1] * k / levels_),
                   static_cast<uint8_t>(b[2] * k / levels_)};
    draw(pos[0], pos[1], pos[2], c, out);
}

}  // namespace disent::data
