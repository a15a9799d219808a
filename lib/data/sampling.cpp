#include "data/sampling.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"

namespace disent::data {

IntRange normalize_range(const std::vector<int64_t>& range, int64_t size, const std::string& what) {
    if (range.empty() || range.size() > 2)
        throw UserError(what + ": expected [min, max] or a single integer, got a list of " +
                        std::to_string(range.size()));
    auto fix = [&](int64_t v) { return v < 0 ? v + size + 1 : v; };  // -1 -> size
    IntRange r{fix(range.front()), fix(range.back())};
    if (!(0 <= r.lo && r.lo <= r.hi && r.hi <= size))
        throw UserError(what + ": range [" + std::to_string(range.front()) + ", " + std::to_string(range.back()) +
                        "] resolves to [" + std::to_string(r.lo) + ", " + std::to_string(r.hi) +
                        "], expected 0 <= min <= max <= " + std::to_string(size));
    return r;
}

int64_t sample_radius(Rng& rng, int64_t v, int64_t low, int64_t high, int64_t r_low, int64_t r_high) {
    if (v < low || v >= high) throw std::out_of_range("sample_radius: value outside [low, high)");
    // below v (includes v itself when r_low == 0) and above v; both half-open
    const int64_t a_lo = std::max(v - r_high + 1, low), a_hi = std::max(v - r_low + 1, low);
    const int64_t b_lo = std::min(v + r_low + (r_low == 0 ? 1 : 0), high), b_hi = std::min(v + r_high, high);
    const int64_t da = std::max<int64_t>(0, a_hi - a_lo), db = std::max<int64_t>(0, b_hi - b_lo);
    if (da + db == 0)
        throw std::runtime_error("sample_radius: no value at distance [" + std::to_string(r_low) + ", " +
                                 std::to_string(r_high) + ") from " + std::to_string(v) + " in [" +
                                 std::to_string(low) + ", " + std::to_string(high) + ")");
    const int64_t d = rng.uniform_int(0, da + db - 1);
    return d < da ? a_lo + d : b_lo + (d - da);
}

void choose_distinct(Rng& rng, std::vector<int>& items, int k) {
    const int n = static_cast<int>(items.size());
    if (k < 0 || k > n) throw std::invalid_argument("choose_distinct: k outside [0, n]");
    for (int i = 0; i < k; ++i) std::swap(items[static_cast<size_t>(i)],
                                          items[static_cast<size_t>(rng.uniform_int(i, n - 1))]);
}

}  // namespace disent::data
