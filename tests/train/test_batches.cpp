// Epoch orders without an O(N) table: the keyed Feistel permutation and the batches built from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "train/batches.hpp"

using disent::derive_seed;
using disent::train::IndexStream;
using disent::train::KeyedPermutation;

namespace {

std::vector<int64_t> order_of(int64_t n, uint64_t key) {
    KeyedPermutation p(n, key);
    std::vector<int64_t> out;
    for (int64_t i = 0; i < n; ++i) out.push_back(p(i));
    return out;
}

}  // namespace

TEST(KeyedPermutation, IsABijectionForEverySmallSize) {
    for (int64_t n : {1, 2, 3, 4, 5, 7, 8, 10, 16, 17, 31, 63, 64, 65, 100, 1000, 4097, 57 * 57}) {
        for (uint64_t key : {0ULL, 1ULL, 0xDEADBEEFULL}) {
            auto order = order_of(n, key);
            std::sort(order.begin(), order.end());
            for (int64_t i = 0; i < n; ++i) ASSERT_EQ(order[static_cast<size_t>(i)], i) << "n=" << n << " key=" << key;
        }
    }
    EXPECT_EQ(order_of(1, 42), std::vector<int64_t>{0});
    KeyedPermutation p(10, 3);
    EXPECT_THROW(p(10), std::out_of_range);
    EXPECT_THROW(p(-1), std::out_of_range);
    EXPECT_THROW(KeyedPermutation(0, 3), std::invalid_argument);
    EXPECT_THROW(IndexStream(0, 3), std::invalid_argument);
}

TEST(KeyedPermutation, KeysGiveDifferentShuffledOrders) {
    const int64_t n = 1000;
    std::set<std::vector<int64_t>> orders;
    for (uint64_t key = 0; key < 20; ++key) {
        auto o = order_of(n, key);
        EXPECT_EQ(o, order_of(n, key));  // a pure function of the key
        // shuffled, not a shift: few fixed points and no long increasing run
        int64_t fixed = 0, run = 0, longest = 0;
        for (int64_t i = 0; i < n; ++i) {
            fixed += o[static_cast<size_t>(i)] == i;
            run = i > 0 && o[static_cast<size_t>(i)] == o[static_cast<size_t>(i - 1)] + 1 ? run + 1 : 0;
            longest = std::max(longest, run);
        }
        EXPECT_LT(fixed, 10) << key;  // expected 1 for a random permutation
        EXPECT_LT(longest, 4) << key;
        orders.insert(o);
    }
    EXPECT_EQ(orders.size(), 20u);
}

TEST(IndexStream, EpochsAreDifferentPermutationsAndStepsArePure) {
    const int64_t n = 37, batch = 5;  // epochs straddle batch boundaries
    IndexStream a(n, 11), b(n, 11), c(n, 12);
    std::vector<int64_t> flat;
    for (int64_t s = 0; s < 3 * n / batch + 1; ++s) {
        auto x = a.batch(s, batch);
        flat.insert(flat.end(), x.begin(), x.end());
    }
    std::vector<int64_t> e0(flat.begin(), flat.begin() + n), e1(flat.begin() + n, flat.begin() + 2 * n);
    EXPECT_NE(e0, e1);  // a new order every epoch
    for (auto* e : {&e0, &e1}) {
        std::sort(e->begin(), e->end());
        for (int64_t i = 0; i < n; ++i) EXPECT_EQ((*e)[static_cast<size_t>(i)], i);  // each epoch visits every index once
    }
    // batch(step) depends on nothing drawn before, and on the seed
    EXPECT_EQ(b.batch(9, batch), a.batch(9, batch));
    EXPECT_EQ(b.batch(9, batch), std::vector<int64_t>(flat.begin() + 45, flat.begin() + 50));
    EXPECT_NE(c.batch(9, batch), a.batch(9, batch));
    // epoch e is KeyedPermutation(n, derive_seed(seed, e)) (docs/decisions.md)
    KeyedPermutation e2(n, derive_seed(11, 2));
    EXPECT_EQ(a.batch(2 * n, 1)[0], e2(0));
}

TEST(IndexStream, BatchesOfA57To6SpaceCostOBatch) {
    // XYSquares at grid_spacing=1: 57^6 ≈ 3.4·10^10 indices, far more than could ever be tabulated
    const int64_t n = 57LL * 57 * 57 * 57 * 57 * 57;
    IndexStream s(n, 0);
    const auto t0 = std::chrono::steady_clock::now();
    std::set<int64_t> seen;
    for (int64_t step : {int64_t{0}, int64_t{1}, int64_t{1'000'000}, n / 256 - 1, n / 256, n / 256 + 7}) {
        auto idx = s.batch(step, 256);
        ASSERT_EQ(idx.size(), 256u);
        for (auto i : idx) {
            ASSERT_GE(i, 0);
            ASSERT_LT(i, n);
            seen.insert(i);
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(secs, 0.05);  // ~10 µs per batch in practice; an O(N) pass would take minutes
    EXPECT_GT(seen.size(), 6u * 256 - 5);  // distinct within epochs, and the two epochs don't coincide
}
