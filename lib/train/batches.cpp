#include "train/batches.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace disent::train {

KeyedPermutation::KeyedPermutation(int64_t n, uint64_t key) : n_(n) {
    if (n < 1) throw std::invalid_argument("KeyedPermutation: size must be >= 1, got " + std::to_string(n));
    int bits = 0;
    while (bits < 63 && (int64_t{1} << bits) < n) ++bits;
    half_bits_ = std::max(1, (bits + 1) / 2);
    half_mask_ = (uint64_t{1} << half_bits_) - 1;
    for (int r = 0; r < kRounds; ++r) round_keys_[r] = derive_seed(key, static_cast<uint64_t>(r));
}

uint64_t KeyedPermutation::encrypt(uint64_t x) const {
    uint64_t left = x >> half_bits_, right = x & half_mask_;
    for (int r = 0; r < kRounds; ++r) {
        const uint64_t mixed = left ^ (derive_seed(round_keys_[r], right) & half_mask_);
        left = right;
        right = mixed;
    }
    return (left << half_bits_) | right;
}

int64_t KeyedPermutation::operator()(int64_t i) const {
    if (i < 0 || i >= n_)
        throw std::out_of_range("KeyedPermutation: index " + std::to_string(i) + " outside [0, " + std::to_string(n_) + ")");
    // Cycle walking: the domain has < 4n values, so on average fewer than 4 encryptions; it ends because
    // i lies on a cycle of the domain permutation that returns to [0, n) at the latest at i itself.
    uint64_t x = encrypt(static_cast<uint64_t>(i));
    while (x >= static_cast<uint64_t>(n_)) x = encrypt(x);
    return static_cast<int64_t>(x);
}

IndexStream::IndexStream(int64_t dataset_size, uint64_t seed) : n_(dataset_size), seed_(seed) {
    if (n_ < 1) throw std::invalid_argument("IndexStream: dataset size must be >= 1, got " + std::to_string(n_));
}

std::vector<int64_t> IndexStream::batch(int64_t step, int64_t batch_size) const {
    std::vector<int64_t> out(static_cast<size_t>(batch_size));
    const int64_t start = step * batch_size;
    int64_t epoch = start / n_;
    KeyedPermutation order(n_, derive_seed(seed_, static_cast<uint64_t>(epoch)));
    for (int64_t i = 0; i < batch_size; ++i) {
        const int64_t p = start + i;
        if (p / n_ != epoch) epoch = p / n_, order = KeyedPermutation(n_, derive_seed(seed_, static_cast<uint64_t>(epoch)));
        out[static_cast<size_t>(i)] = order(p % n_);
    }
    return out;
}

}  // namespace disent::train
