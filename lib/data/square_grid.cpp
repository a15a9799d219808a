#include "data/square_grid.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/error.hpp"

namespace disent::data {

SquareGrid SquareGrid::make(int64_t square_size, int64_t image_size, std::optional<int64_t> grid_size,
                            std::optional<int64_t> grid_spacing, const std::string& who) {
    SquareGrid g;
    if (square_size < 1)
        throw UserError(who + ": square_size must be >= 1, got " + std::to_string(square_size));
    // >= 2 so that the per-image unbiased std behind the normalisation constants is defined
    if (image_size < 2) throw UserError(who + ": image_size must be >= 2, got " + std::to_string(image_size));
    if (square_size > image_size)
        throw UserError(who + ": square_size (" + std::to_string(square_size) + ") must be <= image_size (" +
                        std::to_string(image_size) + ")");
    g.square_size = square_size;
    g.image_size = image_size;
    g.spacing = grid_spacing.value_or(square_size);  // disent: grid_spacing=None -> square_size
    if (g.spacing < 1) throw UserError(who + ": grid_spacing must be >= 1, got " + std::to_string(g.spacing));
    if (grid_size && *grid_size < 1)
        throw UserError(who + ": grid_size must be >= 1 or null, got " + std::to_string(*grid_size));
    if (g.spacing < square_size)
        g.warnings.push_back(who + ": grid_spacing (" + std::to_string(g.spacing) + ") < square_size (" +
                             std::to_string(square_size) + "): squares can overlap");
    g.placements = (image_size - square_size) / g.spacing + 1;
    if (grid_size) {
        if (*grid_size > g.placements)
            g.warnings.push_back(who + ": grid_size (" + std::to_string(*grid_size) + ") is larger than the " +
                                 std::to_string(g.placements) + " placements that fit; using " +
                                 std::to_string(g.placements));
        g.placements = std::min(g.placements, *grid_size);
    }
    // centre the used grid in the image
    g.offset = (image_size - (square_size + (g.placements - 1) * g.spacing)) / 2;
    return g;
}

namespace {

// Overlap pattern of m objects: entry for each non-empty subset (bitmask 1 .. 2^m - 1) = length of the
// intersection of those objects' intervals along one axis.
using Pattern = std::array<int64_t, 8>;

int64_t overlap(const SquareGrid& g, int64_t lo, int64_t hi) {  // lo/hi: min/max placement in the subset
    return std::max<int64_t>(0, g.square_size - g.spacing * (hi - lo));
}

// All overlap patterns of m placements along one axis, with the number of placement tuples giving each.
constexpr double kMaxWork = 1e8;

std::map<Pattern, long double> axis_patterns(const SquareGrid& g, int m) {
    if (m < 1 || m > 3) throw std::invalid_argument("union statistics support 1..3 objects");
    const int64_t P = g.placements;
    std::map<Pattern, long double> out;
    if (m == 3 && static_cast<double>(2 * P - 1) * static_cast<double>(2 * P - 1) > kMaxWork / 16) return out;
    // positions relative to the first object: (0, a, b); a tuple with spread w fits P - w times
    const int64_t R = m >= 2 ? P - 1 : 0, Rb = m >= 3 ? P - 1 : 0;
    for (int64_t a = -R; a <= R; ++a) {
        for (int64_t b = -Rb; b <= Rb; ++b) {
            const int64_t rel[3] = {0, a, b};
            int64_t lo_all = 0, hi_all = 0;
            for (int i = 0; i < m; ++i) lo_all = std::min(lo_all, rel[i]), hi_all = std::max(hi_all, rel[i]);
            if (hi_all - lo_all >= P) continue;
            Pattern p{};
            for (int mask = 1; mask < (1 << m); ++mask) {
                int64_t lo = INT64_MAX, hi = INT64_MIN;
                for (int i = 0; i < m; ++i)
                    if (mask & (1 << i)) lo = std::min(lo, rel[i]), hi = std::max(hi, rel[i]);
                p[static_cast<size_t>(mask)] = overlap(g, lo, hi);
            }
            out[p] += static_cast<long double>(P - (hi_all - lo_all));
        }
    }
    return out;
}

int sign_of(int mask) { return __builtin_popcount(static_cast<unsigned>(mask)) % 2 == 1 ? 1 : -1; }

}  // namespace

std::map<int64_t, long double> union_area_hist_squares(const SquareGrid& grid, int m) {
    const auto pats = axis_patterns(grid, m);  // x and y axes have the same distribution
    std::map<int64_t, long double> hist;
    const double G = static_cast<double>(pats.size());
    if (pats.empty() || G * G > kMaxWork) return hist;
    std::vector<long double> by_area(static_cast<size_t>(m * grid.square_size * grid.square_size + 1), 0.0L);
    for (const auto& [px, wx] : pats) {
        for (const auto& [py, wy] : pats) {
            // inclusion-exclusion: an intersection of squares is the product of its x and y overlaps
            int64_t area = 0;
            for (int mask = 1; mask < (1 << m); ++mask)
                area += sign_of(mask) * px[static_cast<size_t>(mask)] * py[static_cast<size_t>(mask)];
            by_area[static_cast<size_t>(area)] += wx * wy;
        }
    }
    for (size_t a = 0; a < by_area.size(); ++a)
        if (by_area[a] > 0) hist[static_cast<int64_t>(a)] = by_area[a];
    return hist;
}

std::map<int64_t, long double> union_area_hist_columns(const SquareGrid& grid, int m, int64_t column_height) {
    std::map<int64_t, long double> hist;
    for (const auto& [px, wx] : axis_patterns(grid, m)) {  // empty (no constants) only when over budget
        int64_t len = 0;
        for (int mask = 1; mask < (1 << m); ++mask) len += sign_of(mask) * px[static_cast<size_t>(mask)];
        hist[len * column_height] += wx;
    }
    return hist;
}

}  // namespace disent::data
