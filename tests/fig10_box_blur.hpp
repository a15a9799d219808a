#pragma once
// Fig 10 top ("x" column): box-blur augmented MSE (box_r31) between XYSquares observations along x_R,
// averaged over y_R = 0..7, on [0, 1] data, as printed by shared/reference/xysquares_exact.py (4 decimals).
namespace disent::testing {

inline constexpr double kFig10BoxBlur[8][8] = {
    {0.0000, 0.0313, 0.0623, 0.0933, 0.1282, 0.1593, 0.1903, 0.2213},
    {0.0313, 0.0000, 0.0313, 0.0623, 0.0972, 0.1282, 0.1593, 0.1903},
    {0.0623, 0.0313, 0.0000, 0.0313, 0.0662, 0.0972, 0.1282, 0.1593},
    {0.0933, 0.0623, 0.0313, 0.0000, 0.0351, 0.0662, 0.0972, 0.1282},
    {0.1282, 0.0972, 0.0662, 0.0351, 0.0000, 0.0313, 0.0623, 0.0933},
    {0.1593, 0.1282, 0.0972, 0.0662, 0.0313, 0.0000, 0.0313, 0.0623},
    {0.1903, 0.1593, 0.1282, 0.0972, 0.0623, 0.0313, 0.0000, 0.0313},
    {0.2213, 0.1903, 0.1593, 0.1282, 0.0933, 0.0623, 0.0313, 0.0000}};

}  // namespace disent::testing
