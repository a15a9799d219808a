#pragma once
// Training batches as a pure function of (seed, step): dataset indices come from a fresh random
// permutation per epoch (shuffle without replacement, full batches across epoch boundaries) and each
// step's sampler draws use their own seeded stream. So a resumed run sees exactly the batches an
// uninterrupted run would, with no generator state to checkpoint.
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace disent::train {

class IndexStream {
public:
    IndexStream(int64_t dataset_size, uint64_t seed) : n_(dataset_size), seed_(seed) {}
    // The batch_size anchor indices of step `step` (0-based).
    std::vector<int64_t> batch(int64_t step, int64_t batch_size);

private:
    const std::vector<int64_t>& permutation(int64_t epoch);
    int64_t n_;
    uint64_t seed_;
    int64_t cached_epoch_ = -1;
    std::vector<int64_t> perm_;
};

}  // namespace disent::train
