#pragma once
// disentanglement_lib's IdentityObservationsData for metric tests: 10 factors with values 0..9, the
// observation (and the "good" representation) is the factor vector itself.
#include <algorithm>
#include <cstdint>

#include "core/rng.hpp"
#include "metrics/metric.hpp"

namespace disent::metrics::testing {

inline Factors identity_factors(int64_t n, Rng& rng, int64_t num_factors = 10, int64_t values = 10) {
    Factors f{n, num_factors, std::vector<int64_t>(n * num_factors)};
    for (auto& v : f.values) v = rng.uniform_int(0, values - 1);
    return f;
}

inline Codes identity_codes(const Factors& f) {
    Codes c{f.n, f.f, std::vector<double>(f.values.begin(), f.values.end())};
    return c;
}

inline Codes zero_codes(const Factors& f) { return Codes{f.n, f.f, std::vector<double>(f.n * f.f, 0.0)}; }

// codes = [c, c]
inline Codes duplicated_codes(const Codes& c) {
    Codes d{c.n, 2 * c.z, std::vector<double>(c.n * 2 * c.z)};
    for (int64_t i = 0; i < c.n; ++i)
        for (int64_t j = 0; j < c.z; ++j) d.values[i * d.z + j] = d.values[i * d.z + c.z + j] = c.at(i, j);
    return d;
}

// Each sample's code entries shuffled independently (destroys which latent encodes which factor).
inline Codes permuted_codes(const Codes& c, Rng& rng) {
    Codes p = c;
    for (int64_t i = 0; i < c.n; ++i) {
        double* row = &p.values[i * c.z];
        for (int64_t j = c.z - 1; j > 0; --j) std::swap(row[j], row[rng.uniform_int(0, j)]);
    }
    return p;
}

// Integer-valued codes used directly as discrete codes (disentanglement_lib's identity discretiser).
inline Factors as_discrete(const Codes& c) {
    Factors d{c.n, c.z, std::vector<int64_t>(c.n * c.z)};
    for (size_t i = 0; i < c.values.size(); ++i) d.values[i] = static_cast<int64_t>(c.values[i]);
    return d;
}

}  // namespace disent::metrics::testing
