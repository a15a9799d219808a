#pragma once
// XYSingleSquareData (spec §5.4, registry `xysinglesquare`, name "xy_single_square"): one grey square,
// factors (x, y), image (image_size, image_size, 1).
#include "core/params.hpp"
#include "data/ground_truth.hpp"
#include "data/norm_stats.hpp"
#include "data/square_grid.hpp"

namespace disent::data {

class XYSingleSquareData : public GroundTruthData {
public:
    explicit XYSingleSquareData(int64_t square_size = 8, int64_t image_size = 64,
                                std::optional<int64_t> grid_size = std::nullopt,
                                std::optional<int64_t> grid_spacing = std::nullopt);
    explicit XYSingleSquareData(const Params& p);

    static ParamTable param_table();
    static const char* description() { return "one grey square on a grid, factors (x, y), 1 channel"; }

    std::string name() const override { return "xy_single_square"; }
    void render(int64_t idx, uint8_t* out) const override;
    NormConstants compute_constants() const;

    const SquareGrid& grid() const { return grid_; }
    const std::vector<std::string>& warnings() const { return grid_.warnings; }

private:
    SquareGrid grid_;
};

}  // namespace disent::data
