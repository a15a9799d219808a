#include "data/factor_distance.hpp"

#include <numeric>
#include <stdexcept>

namespace disent::data {

namespace {
using u128 = unsigned __int128;

u128 gcd128(u128 a, u128 b) {
    while (b != 0) {
        const u128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

u128 absdiff(int64_t x, int64_t y) { return x > y ? u128(x - y) : u128(y - x); }
}  // namespace

FactorDistance::FactorDistance(std::vector<int64_t> factor_sizes) : sizes_(std::move(factor_sizes)) {
    // L divides the product of the denominators, which is below the number of states (an int64), so L and
    // every |delta_f| * L / d_f <= L fit easily; a sum over factors fits in 128 bits.
    u128 lcm = 1;
    for (int64_t s : sizes_) {
        if (s < 1) throw std::invalid_argument("FactorDistance: factor size must be >= 1");
        const u128 d = s > 1 ? u128(s - 1) : 1;
        if (__builtin_mul_overflow(lcm / gcd128(lcm, d), d, &lcm) || (lcm >> 64) != 0)
            throw std::invalid_argument("FactorDistance: more states than an int64 can count");
    }
    u128 bound = 0;  // largest sum of (|delta_f| * w_f)^2: each term is at most L^2
    for (int64_t s : sizes_) {
        const u128 d = s > 1 ? u128(s - 1) : 1;
        weight_.push_back(lcm / d);
        const u128 term_max = (u128(s - 1) * weight_.back());
        u128 sq;
        if (__builtin_mul_overflow(term_max, term_max, &sq) || __builtin_add_overflow(bound, sq, &bound))
            scaled_sq_fits_ = false;
    }
}

u128 FactorDistance::scaled(FactorMetric m, const int64_t* a, const int64_t* b) const {
    u128 sum = 0;
    for (size_t f = 0; f < sizes_.size(); ++f) {
        const u128 d = absdiff(a[f], b[f]);
        switch (m) {
            case FactorMetric::Differing: sum += d != 0; break;
            case FactorMetric::Manhattan: sum += d; break;
            case FactorMetric::ManhattanScaled: sum += d * weight_[f]; break;
            case FactorMetric::Euclidean: sum += d * d; break;  // sum d_f^2 <= (product of sizes)^2 < 2^126
            case FactorMetric::EuclideanScaled: sum += (d * weight_[f]) * (d * weight_[f]); break;
        }
    }
    return sum;
}

int FactorDistance::compare(FactorMetric m, const int64_t* a, const int64_t* b, const int64_t* c) const {
    if (!exact(m)) throw std::logic_error("FactorDistance: scaled euclidean distance overflows 128 bits here");
    const u128 x = scaled(m, a, b), y = scaled(m, a, c);
    return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace disent::data
