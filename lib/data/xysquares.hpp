#pragma once
// XYSquaresData (spec §5.4, registry `xysquares`, name "xy_squares"): up to three s x s squares on a P x P
// grid; in RGB mode square i lives in channel i only, in grey mode all squares are drawn (union) into one
// channel. Defaults reproduce XYSquaresMinimalData exactly.
#include <optional>

#include "core/params.hpp"
#include "data/ground_truth.hpp"
#include "data/norm_stats.hpp"
#include "data/square_grid.hpp"

namespace disent::data {

struct XYSquaresConfig {
    int64_t square_size = 8;
    int64_t image_size = 64;
    std::optional<int64_t> grid_size{};     // null: as many placements as fit
    std::optional<int64_t> grid_spacing{};  // null: square_size
    int num_squares = 3;                    // 1..3
    bool rgb = true;
    std::optional<int64_t> fill_value{};    // null: 255; else 1..255

    static XYSquaresConfig from_params(const Params& p);  // keys of XYSquaresData::param_table()
};

class XYSquaresData : public GroundTruthData {
public:
    explicit XYSquaresData(const XYSquaresConfig& cfg = {});
    explicit XYSquaresData(const Params& p) : XYSquaresData(XYSquaresConfig::from_params(p)) {}

    static ParamTable param_table();
    static const char* description() { return "1-3 squares on a grid, one colour channel each (or grey union)"; }

    std::string name() const override { return "xy_squares"; }
    void render(int64_t idx, uint8_t* out) const override;
    // Exact normalisation constants for this configuration (closed form for RGB, union-area enumeration
    // for grey). The constructor uses the spec's table values where the configuration is a known one.
    virtual NormConstants compute_constants() const;

    const SquareGrid& grid() const { return grid_; }
    int num_squares() const { return num_squares_; }
    bool rgb() const { return rgb_; }
    uint8_t fill_value() const { return fill_; }
    // Geometry warnings disent would print (overlapping squares, grid_size clipped); the caller logs them.
    const std::vector<std::string>& warnings() const { return grid_.warnings; }

protected:
    // For subclasses (XColumnsData) that lay out their own factors; `who` names them in errors.
    XYSquaresData(const XYSquaresConfig& cfg, const std::string& who);
    void set_constants(const NormConstants& c);

    SquareGrid grid_;
    int num_squares_ = 3;
    bool rgb_ = true;
    uint8_t fill_ = 255;
};

}  // namespace disent::data
