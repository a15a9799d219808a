#pragma once
// XYBlocksData (spec §5.4, registry `xyblocks`, disent's docs example): blocks of three sizes drawn from
// the largest to the smallest; each block toggles between its colour and the background depending on the
// pixel already at its top-left corner (an XOR-like rule).
#include <array>
#include <vector>

#include "core/params.hpp"
#include "data/ground_truth.hpp"

namespace disent::data {

class XYBlocksData : public GroundTruthData {
public:
    explicit XYBlocksData(const Params& p);
    static ParamTable param_table();
    static const char* description() { return "nested blocks at 2/4/8 divisions, XOR-toggled colours"; }
    std::string name() const override { return "xyblocks"; }
    void render(int64_t idx, uint8_t* out) const override;

    const std::vector<std::array<uint8_t, 3>>& palette() const { return palette_; }
    const std::vector<int64_t>& block_sizes() const { return block_sizes_; }

private:
    std::vector<int64_t> levels_, divisions_, block_sizes_;
    std::vector<std::array<uint8_t, 3>> palette_;
    std::array<uint8_t, 3> bg_{0, 0, 0};
};

}  // namespace disent::data
