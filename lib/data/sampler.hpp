#pragma once
// Samplers map a dataset index to the tuple of observation indices a framework trains on (spec §6).
// The first returned index is always the given one.
#include <cstdint>
#include <string>

#include "core/rng.hpp"
#include "data/state_space.hpp"

namespace disent::data {

class Sampler {
public:
    virtual ~Sampler() = default;
    virtual int num_obs() const = 0;
    // "single", "pair", "weak_pair" or "triplet": what frameworks ask for.
    virtual std::string input_mode() const = 0;
    // Write num_obs() indices into out; out[0] == idx.
    virtual void sample(int64_t idx, Rng& rng, int64_t* out) const = 0;
};

}  // namespace disent::data
