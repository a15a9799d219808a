#pragma once
// Building blocks shared by the ground-truth samplers (spec §6): range normalisation, radius sampling and
// choosing distinct factors.
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace disent::data {

struct IntRange {
    int64_t lo = 0, hi = 0;  // inclusive
};

// spec §6 "range normalisation": [v] or [min, max]; negative entries count from the end (v -> v + size + 1,
// so -1 -> size); requires 0 <= min <= max <= size. Throws UserError naming `what` otherwise.
IntRange normalize_range(const std::vector<int64_t>& range, int64_t size, const std::string& what);

// spec §6 sample_radius: uniform over {v-r_high+1 .. v-r_low} U {v+r_low .. v+r_high-1} clipped to
// [low, high), counting v once when r_low == 0 (r_high exclusive). Throws std::runtime_error when empty.
int64_t sample_radius(Rng& rng, int64_t v, int64_t low, int64_t high, int64_t r_low, int64_t r_high);

// Shuffles the first k entries of `items` into a uniform draw of k distinct items (partial Fisher-Yates);
// items[0..k) is the sample, in random order.
void choose_distinct(Rng& rng, std::vector<int>& items, int k);

}  // namespace disent::data
