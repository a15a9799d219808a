#include "train/batches.hpp"

#include <numeric>

namespace disent::train {

const std::vector<int64_t>& IndexStream::permutation(int64_t epoch) {
    if (epoch != cached_epoch_) {
        perm_.resize(static_cast<size_t>(n_));
        std::iota(perm_.begin(), perm_.end(), 0);
        Rng rng(derive_seed(seed_, static_cast<uint64_t>(epoch)));
        for (int64_t i = n_ - 1; i > 0; --i) std::swap(perm_[i], perm_[rng.uniform_int(0, i)]);  // Fisher-Yates
        cached_epoch_ = epoch;
    }
    return perm_;
}

std::vector<int64_t> IndexStream::batch(int64_t step, int64_t batch_size) {
    std::vector<int64_t> out(static_cast<size_t>(batch_size));
    const int64_t start = step * batch_size;
    for (int64_t i = 0; i < batch_size; ++i) {
        const int64_t p = start + i;
        out[i] = permutation(p / n_)[p % n_];
    }
    return out;
}

}  // namespace disent::train
