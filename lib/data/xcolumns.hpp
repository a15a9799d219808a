#pragma once
// XColumnsData (spec §5.4, registry `xcolumns`, name "x_columns"): XYSquares with only x factors; each
// square becomes a full-height column of width square_size.
#include "data/xysquares.hpp"

namespace disent::data {

class XColumnsData : public XYSquaresData {
public:
    explicit XColumnsData(const XYSquaresConfig& cfg = {});
    explicit XColumnsData(const Params& p) : XColumnsData(XYSquaresConfig::from_params(p)) {}

    static ParamTable param_table() { return XYSquaresData::param_table(); }  // same parameters
    static const char* description() { return "1-3 full-height columns moving along x (XYSquares without y)"; }

    std::string name() const override { return "x_columns"; }
    void render(int64_t idx, uint8_t* out) const override;
    NormConstants compute_constants() const override;
};

}  // namespace disent::data
