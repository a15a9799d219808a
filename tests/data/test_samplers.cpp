// Samplers (spec §6.1, §6.3, §6.4; paper-experiments §1 weak pairs).
#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"
#include "data/registry.hpp"
#include "data/samplers.hpp"

using namespace disent;
using namespace disent::data;

namespace {

StateSpace xy_states() { return StateSpace({8, 8, 8, 8, 8, 8}, {"x_R", "y_R", "x_G", "y_G", "x_B", "y_B"}); }
// large factors: a uniform resample almost never keeps its value, so the number of changed factors ~= k
StateSpace big_states() { return StateSpace({1000, 1000, 1000, 1000, 1000, 1000}, {}); }

int num_diff(const StateSpace& s, int64_t a, int64_t b, std::vector<int64_t>* delta = nullptr) {
    auto pa = s.idx_to_pos(a), pb = s.idx_to_pos(b);
    int n = 0;
    for (size_t f = 0; f < pa.size(); ++f) {
        if (pa[f] != pb[f]) ++n;
        if (delta) delta->push_back(std::llabs(pa[f] - pb[f]));
    }
    return n;
}

std::vector<int64_t> draw_seq(const Sampler& s, const StateSpace& st, uint64_t seed, int n) {
    Rng rng(seed);
    std::vector<int64_t> out;
    int64_t buf[3];
    for (int i = 0; i < n; ++i) {
        s.sample(st.sample_index(rng), rng, buf);
        out.insert(out.end(), buf, buf + s.num_obs());
    }
    return out;
}

}  // namespace

TEST(Sampling, RangeNormalisation) {
    auto r = normalize_range({1, -1}, 6, "k");
    EXPECT_EQ(r.lo, 1);
    EXPECT_EQ(r.hi, 6);
    r = normalize_range({0, -1}, 6, "k");
    EXPECT_EQ(r.lo, 0);
    EXPECT_EQ(r.hi, 6);
    r = normalize_range({3}, 6, "k");
    EXPECT_EQ(r.lo, 3);
    EXPECT_EQ(r.hi, 3);
    r = normalize_range({-2}, 6, "k");
    EXPECT_EQ(r.lo, 5);
    EXPECT_EQ(r.hi, 5);
    EXPECT_THROW(normalize_range({4, 2}, 6, "k"), UserError);
    EXPECT_THROW(normalize_range({7}, 6, "k"), UserError);
    EXPECT_THROW(normalize_range({-8}, 6, "k"), UserError);
    EXPECT_THROW(normalize_range({}, 6, "k"), UserError);
    EXPECT_THROW(normalize_range({1, 2, 3}, 6, "k"), UserError);
}

TEST(Sampling, SampleRadius) {
    Rng rng(1);
    std::map<int64_t, int> seen;
    for (int i = 0; i < 8000; ++i) seen[sample_radius(rng, 3, 0, 8, 1, 9)]++;  // all but v
    EXPECT_EQ(seen.size(), 7u);
    EXPECT_EQ(seen.count(3), 0u);
    for (auto [v, n] : seen) EXPECT_NEAR(n, 8000 / 7.0, 150) << v;
    seen.clear();
    for (int i = 0; i < 8000; ++i) seen[sample_radius(rng, 3, 0, 8, 0, 9)]++;  // all values
    EXPECT_EQ(seen.size(), 8u);
    for (auto [v, n] : seen) EXPECT_NEAR(n, 1000, 150) << v;
    seen.clear();
    for (int i = 0; i < 2000; ++i) seen[sample_radius(rng, 3, 0, 8, 2, 3)]++;  // exactly distance 2
    EXPECT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen.count(1) + seen.count(5), 2u);
    for (int i = 0; i < 200; ++i) {  // clipped at the low end: only the upper side remains
        const int64_t v = sample_radius(rng, 0, 0, 8, 2, 4);
        ASSERT_TRUE(v == 2 || v == 3) << v;
    }
    EXPECT_THROW(sample_radius(rng, 0, 0, 1, 1, 2), std::runtime_error);
}

TEST(Samplers, Single) {
    SingleSampler s;
    Rng rng(0);
    int64_t out[1] = {-1};
    s.sample(17, rng, out);
    EXPECT_EQ(out[0], 17);
    EXPECT_EQ(s.num_obs(), 1);
    EXPECT_EQ(s.input_mode(), "single");
}

TEST(Samplers, GtPairChangesExactlyKFactors) {
    StateSpace st = xy_states();
    GroundTruthPairSampler s(st);
    EXPECT_EQ(s.input_mode(), "pair");
    EXPECT_EQ(s.num_obs(), 2);
    Rng rng(3);
    std::map<int, int> k_counts;
    int64_t out[2];
    for (int i = 0; i < 6000; ++i) {
        const int64_t idx = st.sample_index(rng);
        s.sample(idx, rng, out);
        ASSERT_EQ(out[0], idx);
        const int k = num_diff(st, out[0], out[1]);
        ASSERT_GE(k, 1);
        ASSERT_LE(k, 6);
        k_counts[k]++;
    }
    for (int k = 1; k <= 6; ++k) EXPECT_NEAR(k_counts[k], 1000, 150) << k;  // k uniform in [1, 6]

    GroundTruthPairSampler two(st, {2, 2}, {1, 1});
    for (int i = 0; i < 2000; ++i) {
        const int64_t idx = st.sample_index(rng);
        two.sample(idx, rng, out);
        std::vector<int64_t> delta;
        ASSERT_EQ(num_diff(st, out[0], out[1], &delta), 2);
        for (int64_t d : delta) ASSERT_LE(d, 1);  // radius exactly 1 for changed factors
    }
}

TEST(Samplers, GtPairExperimentRangesAllowIdenticalPairs) {
    StateSpace st = xy_states();
    GroundTruthPairSampler s(st, {0, -1}, {0, -1});
    Rng rng(4);
    int identical = 0;
    int64_t out[2];
    for (int i = 0; i < 4000; ++i) {
        s.sample(st.sample_index(rng), rng, out);
        if (out[0] == out[1]) ++identical;
    }
    EXPECT_GT(identical, 0);
}

TEST(Samplers, GtPairValidatesRanges) {
    StateSpace st = xy_states();
    EXPECT_THROW(GroundTruthPairSampler(st, {7}, {1, -1}), UserError);
    EXPECT_THROW(GroundTruthPairSampler(st, {1, -1}, {9}), UserError);
    EXPECT_THROW(GroundTruthPairSampler(st, {1, -1}, {5, -1}), UserError);  // middle values can't move 5 in 8
    EXPECT_NO_THROW(GroundTruthPairSampler(st, {1, -1}, {4, -1}));
    StateSpace with_constant({8, 1}, {"x", "c"});
    EXPECT_THROW(GroundTruthPairSampler{with_constant}, UserError);  // size-1 factor, radius min 1
    EXPECT_NO_THROW(GroundTruthPairSampler(with_constant, {0, -1}, {0, -1}));
}

TEST(Samplers, GtPairOrigKDistributionReplicatesDisentanglementLib) {
    // k = uniform[1, 5], then choice{1, k}: P(k=1) = 0.5 + 0.5/5 = 0.6, P(k=j) = 0.1 for j = 2..5, never 6
    StateSpace st = big_states();
    GroundTruthPairOrigSampler s(st);
    EXPECT_EQ(s.input_mode(), "weak_pair");
    Rng rng(11);
    const int n = 20000;
    std::map<int, int> counts;
    int64_t out[2];
    for (int i = 0; i < n; ++i) {
        const int64_t idx = st.sample_index(rng);
        s.sample(idx, rng, out);
        ASSERT_EQ(out[0], idx);
        counts[num_diff(st, out[0], out[1])]++;
    }
    EXPECT_NEAR(counts[1] / double(n), 0.6, 0.02);
    for (int k = 2; k <= 5; ++k) EXPECT_NEAR(counts[k] / double(n), 0.1, 0.015) << k;
    EXPECT_EQ(counts[6], 0);
}

TEST(Samplers, GtPairOrigNeverChangesMoreThanK) {
    StateSpace st = xy_states();
    Rng rng(12);
    int64_t out[2];
    GroundTruthPairOrigSampler def(st);
    int identical = 0;
    for (int i = 0; i < 5000; ++i) {
        def.sample(st.sample_index(rng), rng, out);
        ASSERT_LE(num_diff(st, out[0], out[1]), 5);
        if (out[0] == out[1]) ++identical;
    }
    EXPECT_GT(identical, 0);  // uniform resampling may keep the old value
    GroundTruthPairOrigSampler k3(st, 3);
    std::map<int, int> counts;
    StateSpace big = big_states();
    GroundTruthPairOrigSampler k3big(big, 3);
    for (int i = 0; i < 4000; ++i) {
        k3.sample(st.sample_index(rng), rng, out);
        ASSERT_LE(num_diff(st, out[0], out[1]), 3);
        k3big.sample(big.sample_index(rng), rng, out);
        counts[num_diff(big, out[0], out[1])]++;
    }
    EXPECT_NEAR(counts[1], 2000, 200);  // k in {1, 3} with equal chance
    EXPECT_NEAR(counts[3], 2000, 200);
}

TEST(Samplers, GtPairOrigPaperRule) {
    StateSpace st = xy_states();
    GroundTruthPairOrigSampler s(st, -1, /*faithful_k=*/false);
    Rng rng(13);
    std::map<int, int> counts;
    int64_t out[2];
    for (int i = 0; i < 6000; ++i) {
        s.sample(st.sample_index(rng), rng, out);
        counts[num_diff(st, out[0], out[1])]++;  // forced change: differing factors == k
    }
    EXPECT_EQ(counts[0], 0);
    for (int k = 1; k <= 6; ++k) EXPECT_NEAR(counts[k], 1000, 150) << k;
}

TEST(Samplers, GtPairOrigValidates) {
    StateSpace st = xy_states();
    EXPECT_THROW(GroundTruthPairOrigSampler(st, 7), UserError);
    EXPECT_THROW(GroundTruthPairOrigSampler(StateSpace({8}, {"x"}), -1), UserError);
    EXPECT_NO_THROW(GroundTruthPairOrigSampler(StateSpace({8}, {"x"}), 1));
    EXPECT_THROW(GroundTruthPairOrigSampler(StateSpace({8, 1}, {"x", "c"}), -1, false), UserError);
}

TEST(Samplers, DeterministicForAFixedSeed) {
    StateSpace st = xy_states();
    GroundTruthPairSampler pair(st);
    GroundTruthPairOrigSampler orig(st);
    SingleSampler single;
    for (const Sampler* s : std::vector<const Sampler*>{&pair, &orig, &single}) {
        EXPECT_EQ(draw_seq(*s, st, 99, 500), draw_seq(*s, st, 99, 500)) << s->input_mode();
        EXPECT_NE(draw_seq(*s, st, 99, 500), draw_seq(*s, st, 100, 500)) << s->input_mode();
    }
}
