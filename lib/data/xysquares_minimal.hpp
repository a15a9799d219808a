#pragma once
// XYSquaresMinimalData (spec §5.4, registry `xysquares_minimal`, name "xy_squares_minimal"): the fixed
// experiment dataset -- three 8x8 squares on an 8x8 grid, square i in channel i; 8^6 = 262,144 images.
#include "core/params.hpp"
#include "data/ground_truth.hpp"
#include "data/norm_stats.hpp"

namespace disent::data {

class XYSquaresMinimalData : public GroundTruthData {
public:
    XYSquaresMinimalData();
    explicit XYSquaresMinimalData(const Params&) : XYSquaresMinimalData() {}

    static ParamTable param_table() { return {}; }  // nothing to configure
    static const char* description() { return "three 8x8 RGB squares on an 8x8 grid, 64x64x3 (fixed)"; }

    std::string name() const override { return "xy_squares_minimal"; }
    void render(int64_t idx, uint8_t* out) const override;
    NormConstants compute_constants() const;
};

}  // namespace disent::data
