#pragma once
// Training batches as a pure function of (seed, step): dataset indices come from a fresh random
// permutation per epoch (shuffle without replacement, full batches across epoch boundaries) and each
// step's sampler draws use their own seeded stream. So a resumed run sees exactly the batches an
// uninterrupted run would, with no generator state to checkpoint.
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace disent::train {

// A keyed bijection of [0, n), evaluated per index in O(1) time and memory: a balanced Feistel network
// over the smallest 4^h >= n (so at most 4n values) with cycle walking, i.e. re-encrypting until the value
// falls back into [0, n). The epoch order needs no O(n) table, so it works for any dataset size
// (57^6 ≈ 3.4·10^10 XYSquares placements included) and costs the same whatever n is.
class KeyedPermutation {
public:
    KeyedPermutation(int64_t n, uint64_t key);  // n >= 1
    int64_t operator()(int64_t i) const;        // i in [0, n)
    int64_t size() const { return n_; }

private:
    static constexpr int kRounds = 6;  // ≥ 4 rounds of a pseudo-random round function: a pseudo-random permutation
    uint64_t encrypt(uint64_t x) const;
    int64_t n_;
    int half_bits_;
    uint64_t half_mask_;
    uint64_t round_keys_[kRounds];
};

class IndexStream {
public:
    IndexStream(int64_t dataset_size, uint64_t seed);  // dataset_size >= 1
    // The batch_size anchor indices of step `step` (0-based): positions step·batch_size … of the
    // concatenated epoch orders, epoch e ordered by KeyedPermutation(n, derive_seed(seed, e)).
    std::vector<int64_t> batch(int64_t step, int64_t batch_size) const;

private:
    int64_t n_;
    uint64_t seed_;
};

}  // namespace disent::train
