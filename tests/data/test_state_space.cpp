// StateSpace: index <-> position (C order), validation and factor traversals (spec §5.1, Appendix A).
#include <gtest/gtest.h>

#include "data/state_space.hpp"

using disent::Rng;
using disent::data::StateSpace;

namespace {
StateSpace dsprites() {
    return StateSpace({3, 6, 40, 32, 32}, {"shape", "scale", "orientation", "position_x", "position_y"});
}
}  // namespace

TEST(StateSpace, DspritesStridesAndExampleIndex) {
    StateSpace s = dsprites();
    EXPECT_EQ(s.size(), 737280);
    EXPECT_EQ(s.strides(), (std::vector<int64_t>{245760, 40960, 1024, 32, 1}));
    EXPECT_EQ(s.pos_to_idx({1, 2, 3, 4, 5}), 330885);
    EXPECT_EQ(s.idx_to_pos(330885), (std::vector<int64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(s.idx_to_pos(0), (std::vector<int64_t>{0, 0, 0, 0, 0}));
    EXPECT_EQ(s.idx_to_pos(737279), (std::vector<int64_t>{2, 5, 39, 31, 31}));
}

TEST(StateSpace, LastFactorVariesFastest) {
    StateSpace s({2, 3, 4}, {"a", "b", "c"});
    int64_t idx = 0;
    for (int64_t a = 0; a < 2; ++a)
        for (int64_t b = 0; b < 3; ++b)
            for (int64_t c = 0; c < 4; ++c, ++idx) {
                EXPECT_EQ(s.pos_to_idx({a, b, c}), idx);
                EXPECT_EQ(s.idx_to_pos(idx), (std::vector<int64_t>{a, b, c}));
            }
    EXPECT_EQ(idx, s.size());
}

TEST(StateSpace, RandomRoundTrips) {
    StateSpace s = dsprites();
    Rng rng(123);
    for (int i = 0; i < 2000; ++i) {
        const int64_t idx = s.sample_index(rng);
        ASSERT_GE(idx, 0);
        ASSERT_LT(idx, s.size());
        EXPECT_EQ(s.pos_to_idx(s.idx_to_pos(idx)), idx);
        int64_t pos[5];
        s.sample_factors(rng, pos);
        for (int f = 0; f < 5; ++f) {
            ASSERT_GE(pos[f], 0);
            ASSERT_LT(pos[f], s.factor_sizes()[f]);
        }
        int64_t back[5];
        s.idx_to_pos(s.pos_to_idx(pos), back);
        for (int f = 0; f < 5; ++f) EXPECT_EQ(back[f], pos[f]);
    }
}

TEST(StateSpace, RejectsOutOfRange) {
    StateSpace s = dsprites();
    EXPECT_THROW(s.pos_to_idx({3, 0, 0, 0, 0}), std::logic_error);
    EXPECT_THROW(s.pos_to_idx({0, 0, 0, 0, -1}), std::logic_error);
    EXPECT_THROW(s.pos_to_idx({0, 0, 0, 0}), std::logic_error);
    EXPECT_THROW(s.idx_to_pos(737280), std::logic_error);
    EXPECT_THROW(s.idx_to_pos(-1), std::logic_error);
    EXPECT_THROW(StateSpace({2, 0}, {"a", "b"}), std::logic_error);
    EXPECT_THROW(StateSpace({2, 3}, {"a"}), std::logic_error);
    EXPECT_EQ(StateSpace({2, 3}, {}).factor_names(), (std::vector<std::string>{"factor_0", "factor_1"}));
}

TEST(StateSpace, IntervalTraversalRoundsHalfToEven) {
    StateSpace s({8, 10, 4, 6, 2, 1}, {});
    using V = std::vector<int64_t>;
    EXPECT_EQ(s.traversal_values(0, 8), (V{0, 1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(s.traversal_values(0, -1), (V{0, 1, 2, 3, 4, 5, 6, 7}));  // num <= 0 -> size
    EXPECT_EQ(s.traversal_values(1, 4), (V{0, 3, 6, 9}));
    EXPECT_EQ(s.traversal_values(2, 3), (V{0, 2, 3}));           // 0, 1.5, 3
    EXPECT_EQ(s.traversal_values(3, 3), (V{0, 2, 5}));           // 0, 2.5 -> 2, 5
    EXPECT_EQ(s.traversal_values(0, 3), (V{0, 4, 7}));           // 0, 3.5 -> 4, 7
    EXPECT_EQ(s.traversal_values(4, 5), (V{0, 0, 0, 1, 1}));     // 0, .25, .5 -> 0, .75, 1
    EXPECT_EQ(s.traversal_values(0, 1), (V{0}));
    EXPECT_EQ(s.traversal_values(5, 3), (V{0, 0, 0}));           // size-1 factor
    EXPECT_EQ(s.traversal_values(0, 8, "interval", 3), (V{3, 4, 5, 6, 7, 0, 1, 2}));
    EXPECT_EQ(s.traversal_values(1, 4, "interval", 2), (V{2, 5, 8, 1}));
}

TEST(StateSpace, CycleTraversals) {
    StateSpace s({8, 5, 4}, {});
    using V = std::vector<int64_t>;
    EXPECT_EQ(s.traversal_values(0, 8, "cycle"), (V{0, 2, 4, 6, 7, 5, 3, 1}));
    EXPECT_EQ(s.traversal_values(1, 5, "cycle"), (V{0, 2, 4, 3, 1}));
    EXPECT_THROW(s.traversal_values(0, 8, "cycle", 1), std::logic_error);
    // [start..S-1] + [S-1..0] + [0..start-1]
    EXPECT_EQ(s.traversal_values(2, 8, "cycle_from_start", 1), (V{1, 2, 3, 3, 2, 1, 0, 0}));
    // ends not repeated: [start..S-2] + [S-1..0] + [1..start-1]
    EXPECT_EQ(s.traversal_values(2, 6, "cycle_from_start_ends", 1), (V{1, 2, 3, 2, 1, 0}));
    EXPECT_EQ(s.traversal_values(2, 3, "cycle_from_start_ends", 1), (V{1, 3, 0}));  // picks 0, 2.5 -> 2, 5
    EXPECT_THROW(s.traversal_values(0, 8, "zigzag"), std::logic_error);
    EXPECT_THROW(s.traversal_values(3, 8), std::logic_error);
}

TEST(StateSpace, TraversalKeepsOtherFactors) {
    StateSpace s({8, 5, 4}, {});
    std::vector<int64_t> base{3, 1, 2};
    auto frames = s.traversal(1, base, 5);
    ASSERT_EQ(frames.size(), 5u);
    for (int64_t i = 0; i < 5; ++i) EXPECT_EQ(frames[i], (std::vector<int64_t>{3, i, 2}));
    EXPECT_THROW(s.traversal(1, {3, 5, 2}, 5), std::logic_error);
    auto idxs = s.traversal_indices(0, base);
    ASSERT_EQ(idxs.size(), 8u);
    for (int64_t k = 0; k < 8; ++k) EXPECT_EQ(idxs[k], s.pos_to_idx({k, 1, 2}));
}
