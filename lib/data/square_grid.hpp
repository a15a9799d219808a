#pragma once
// Shared geometry and exact statistics of the XYSquares family (spec §5.4): squares of side s placed on a
// P x P grid with spacing g, centred in the image by an offset o.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace disent::data {

struct SquareGrid {
    int64_t square_size = 8, image_size = 64, spacing = 8;
    int64_t placements = 8;  // P: positions per axis
    int64_t offset = 0;      // o: top-left of placement 0
    std::vector<std::string> warnings;  // disent warns (but continues) for these

    // P = (image - s) // g + 1, clipped to grid_size; o = (image - (s + (P-1) g)) // 2.
    // `who` names the dataset in UserError messages for invalid geometry.
    static SquareGrid make(int64_t square_size, int64_t image_size, std::optional<int64_t> grid_size,
                           std::optional<int64_t> grid_spacing, const std::string& who);

    int64_t coord(int64_t f) const { return offset + spacing * f; }  // pixel coordinate of placement f
};

// Histogram of the union length/area of m (1..3) same-size objects placed independently and uniformly on
// the grid, keyed by the number of covered pixels, weighted by the number of placements giving it.
//  * squares (2-D): over all P^(2m) placements, area of the union of m s x s squares;
//  * columns (1-D): over all P^m placements, (union length of m width-s intervals) * column_height.
// Computed by inclusion-exclusion: an intersection of equal-length intervals is an interval whose length
// depends only on the spread of their positions, so we enumerate position *differences* (O(P^2)) and
// group identical overlap patterns instead of enumerating every image. Returns an EMPTY histogram when the
// work would exceed ~1e8 steps (only for huge images with large, densely spaced squares); callers then
// report no constants rather than stall.
std::map<int64_t, long double> union_area_hist_squares(const SquareGrid& grid, int m);
std::map<int64_t, long double> union_area_hist_columns(const SquareGrid& grid, int m, int64_t column_height);

}  // namespace disent::data
