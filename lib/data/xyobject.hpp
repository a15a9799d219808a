#pragma once
// XYObjectData / XYObjectShadedData (spec §5.4, registry `xyobject` / `xyobject_shaded`): one filled
// square of 5 sizes on a 25 x 25 grid, coloured from a shaded palette. Both classes map every index to the
// same image (XYObject's colour index is level * |base| + hue); only the factor representation differs.
#include <array>
#include <optional>
#include <vector>

#include "core/params.hpp"
#include "data/ground_truth.hpp"

namespace disent::data {

using Colour = std::array<uint8_t, 3>;

// Base colours of a palette family ("greys", "colors", "rgb", "rainbow"); grey mode has one colour (255).
std::vector<Colour> xyobject_base_palette(const std::string& family, bool rgb);
// "<family>_<levels>" -> (family, levels); UserError on a malformed or unknown name.
std::pair<std::string, int> split_palette_name(const std::string& palette, bool rgb, const std::string& who);
// The shaded palette: for i in 1..L, for colour in base: colour * i // L (integer floor).
std::vector<Colour> xyobject_palette(const std::string& palette, bool rgb);

struct XYObjectGeometry {
    int64_t grid_size = 64, grid_spacing = 2, min_square_size = 7, max_square_size = 15, square_size_spacing = 2;
    std::vector<int64_t> scales;  // min, min+spacing, ... <= max
    int64_t placements = 0;       // (grid_size - max) // spacing + 1
    static XYObjectGeometry from_params(const Params& p, const std::string& who);
};

class XYObjectData : public GroundTruthData {
public:
    explicit XYObjectData(const Params& p);
    static ParamTable param_table();
    static const char* description() { return "one square of 5 sizes and 24 shaded colours on a 25x25 grid"; }
    std::string name() const override { return "xy_object"; }
    void render(int64_t idx, uint8_t* out) const override;
    const std::vector<Colour>& palette() const { return palette_; }

protected:
    XYObjectData() = default;
    void draw(int64_t fx, int64_t fy, int64_t scale_idx, const Colour& c, uint8_t* out) const;
    XYObjectGeometry geo_;
    std::vector<Colour> palette_;
};

class XYObjectShadedData : public XYObjectData {
public:
    explicit XYObjectShadedData(const Params& p);
    static ParamTable param_table();
    static const char* description() { return "XYObject with separate intensity and hue factors"; }
    std::string name() const override { return "xy_object_shaded"; }
    void render(int64_t idx, uint8_t* out) const override;
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    std::vector<Colour> base_;
    int levels_ = 4;
    std::vector<std::string> warnings_;
};

}  // namespace disent::data
