// Triplet and random samplers (spec §6.2, §6.5, §6.6; quirk §12.8) and their exact distance comparisons.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "core/error.hpp"
#include "data/factor_distance.hpp"
#include "data/registry.hpp"
#include "data/samplers.hpp"

using namespace disent;
using namespace disent::data;

namespace {

constexpr int kDraws = 2000;

StateSpace xy_states() { return StateSpace({8, 8, 8, 8, 8, 8}, {"x_R", "y_R", "x_G", "y_G", "x_B", "y_B"}); }
// Mixed sizes: scaled distances have denominators 2, 3, 4, 7 (common denominator 84).
StateSpace mixed_states() { return StateSpace({3, 4, 5, 8}, {"a", "b", "c", "d"}); }

using Pos = std::vector<int64_t>;

struct Triple {
    Pos a, p, n;
    int64_t ia, ip, in;
};

Triple draw(const Sampler& s, const StateSpace& st, uint64_t seed) {
    Rng rng(seed);
    const int64_t idx = st.sample_index(rng);
    int64_t out[3] = {-1, -1, -1};
    s.sample(idx, rng, out);
    EXPECT_EQ(out[0], idx);
    return {st.idx_to_pos(out[0]), st.idx_to_pos(out[1]), st.idx_to_pos(out[2]), out[0], out[1], out[2]};
}

int64_t absd(int64_t x, int64_t y) { return std::llabs(x - y); }

int num_diff(const Pos& a, const Pos& b) {
    int n = 0;
    for (size_t f = 0; f < a.size(); ++f) n += a[f] != b[f];
    return n;
}

std::set<size_t> equal_set(const Pos& a, const Pos& b) {
    std::set<size_t> s;
    for (size_t f = 0; f < a.size(); ++f)
        if (a[f] == b[f]) s.insert(f);
    return s;
}

int64_t manhattan(const Pos& a, const Pos& b) {
    int64_t s = 0;
    for (size_t f = 0; f < a.size(); ++f) s += absd(a[f], b[f]);
    return s;
}

int64_t euclid_sq(const Pos& a, const Pos& b) {
    int64_t s = 0;
    for (size_t f = 0; f < a.size(); ++f) s += (a[f] - b[f]) * (a[f] - b[f]);
    return s;
}

// Scaled distances times the common denominator of max(1, size - 1), computed here independently.
int64_t lcm_of(const StateSpace& st) {
    int64_t l = 1;
    for (int64_t s : st.factor_sizes()) {
        const int64_t d = std::max<int64_t>(1, s - 1);
        int64_t g = l, h = d;
        while (h) std::swap(g, h), h %= g;
        l = l / g * d;
    }
    return l;
}
int64_t manhattan_scaled(const StateSpace& st, const Pos& a, const Pos& b) {
    const int64_t l = lcm_of(st);
    int64_t s = 0;
    for (size_t f = 0; f < a.size(); ++f) s += absd(a[f], b[f]) * (l / std::max<int64_t>(1, st.factor_sizes()[f] - 1));
    return s;
}
int64_t euclid_scaled_sq(const StateSpace& st, const Pos& a, const Pos& b) {
    const int64_t l = lcm_of(st);
    int64_t s = 0;
    for (size_t f = 0; f < a.size(); ++f) {
        const int64_t t = absd(a[f], b[f]) * (l / std::max<int64_t>(1, st.factor_sizes()[f] - 1));
        s += t * t;
    }
    return s;
}
// What a float implementation computes: sum of |delta| / (size - 1) in double, in factor order.
double manhattan_scaled_double(const StateSpace& st, const Pos& a, const Pos& b) {
    double s = 0;
    for (size_t f = 0; f < a.size(); ++f)
        s += static_cast<double>(absd(a[f], b[f])) / static_cast<double>(std::max<int64_t>(1, st.factor_sizes()[f] - 1));
    return s;
}

std::unique_ptr<Sampler> triple(const StateSpace& st, const std::map<std::string, std::string>& ov) {
    return GroundTruthTripleSampler::create(make_params(GroundTruthTripleSampler::param_table(), ov), st);
}

std::string user_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

// Both ranges and both sample modes random: the negative is as likely closer as farther.
const std::map<std::string, std::string> kRandomModes = {{"n_k_sample_mode", "random"},
                                                         {"n_radius_sample_mode", "random"}};

std::map<std::string, std::string> with(std::map<std::string, std::string> m, const std::string& k, const std::string& v) {
    m[k] = v;
    return m;
}

}  // namespace

// ---- gt_triple --------------------------------------------------------------------------------------

TEST(GtTriple, DefaultsNegativeDominatesPositivePerFactor) {
    StateSpace st = xy_states();
    GroundTruthTripleSampler s(st);
    EXPECT_EQ(s.num_obs(), 3);
    EXPECT_EQ(s.input_mode(), "triplet");
    std::map<int, int> p_diff_counts;
    int strictly_farther = 0;
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(s, st, 1000 + i);
        // bounded_below + shared negative set: every factor of the negative is at least as far as the positive's
        for (size_t f = 0; f < 6; ++f) ASSERT_GE(absd(t.a[f], t.n[f]), absd(t.a[f], t.p[f])) << i << " factor " << f;
        ASSERT_LE(num_diff(t.a, t.p), num_diff(t.a, t.n)) << i;
        ASSERT_LE(manhattan(t.a, t.p), manhattan(t.a, t.n)) << i;
        p_diff_counts[num_diff(t.a, t.p)]++;
        strictly_farther += manhattan(t.a, t.p) < manhattan(t.a, t.n);
    }
    EXPECT_EQ(p_diff_counts.size(), 7u);  // 0..6 differing factors all occur
    EXPECT_GT(strictly_farther, kDraws / 2);
}

TEST(GtTriple, SharedFactorSetsAreExactWhenResampledFactorsMustChange) {
    StateSpace st = xy_states();
    auto s = triple(st, {{"p_radius_range", "[1, -1]"}, {"n_radius_range", "[1, -1]"}});
    const int n = 7000;
    std::map<int, int> p_k_counts, n_k_counts;
    for (int i = 0; i < n; ++i) {
        Triple t = draw(*s, st, 5000 + i);
        const auto p_eq = equal_set(t.a, t.p), n_eq = equal_set(t.a, t.n);
        // n_k_is_shared: the negative's shared factors are a prefix of the positive's, hence a subset
        for (size_t f : n_eq) ASSERT_TRUE(p_eq.count(f)) << i << " factor " << f;
        const int p_k = 6 - static_cast<int>(p_eq.size()), n_k = 6 - static_cast<int>(n_eq.size());
        ASSERT_LE(p_k, n_k);
        p_k_counts[p_k]++;
        n_k_counts[n_k]++;
    }
    for (int k = 0; k <= 6; ++k) EXPECT_NEAR(p_k_counts[k], n / 7.0, 120) << k;  // p_k uniform in [0, 6]
    // n_k uniform in [p_k, 6]: P(n_k = 6) = 1/7 * (1/7 + 1/6 + ... + 1/1) = 0.37041
    EXPECT_NEAR(n_k_counts[6], 0.37041 * n, 120);
    EXPECT_NEAR(n_k_counts[0], n / 49.0, 45);  // only when p_k = 0 (1/7) and then n_k = 0 (1/7)

    auto indep = triple(st, {{"p_radius_range", "[1, -1]"}, {"n_radius_range", "[1, -1]"}, {"n_k_is_shared", "false"}});
    int not_subset = 0;
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(*indep, st, 5000 + i);
        const auto p_eq = equal_set(t.a, t.p), n_eq = equal_set(t.a, t.n);
        ASSERT_LE(6 - p_eq.size(), 6 - n_eq.size());  // still n_k >= p_k
        for (size_t f : n_eq) {
            if (!p_eq.count(f)) {
                ++not_subset;
                break;
            }
        }
    }
    EXPECT_GT(not_subset, kDraws / 10);  // independent draws share other factors
}

TEST(GtTriple, RadiusBoundsPerFactor) {
    StateSpace st = xy_states();
    // random radius mode: positive moves 1..2, negative 3..4, in every factor that differs
    auto ran = triple(st, {{"p_radius_range", "[1, 2]"}, {"n_radius_range", "[3, 4]"}, {"n_radius_sample_mode", "random"}});
    std::set<int64_t> p_seen, n_seen;
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(*ran, st, 9000 + i);
        for (size_t f = 0; f < 6; ++f) {
            const int64_t dp = absd(t.a[f], t.p[f]), dn = absd(t.a[f], t.n[f]);
            ASSERT_TRUE(dp == 0 || (dp >= 1 && dp <= 2)) << dp;
            ASSERT_TRUE(dn == 0 || (dn >= 3 && dn <= 4)) << dn;
            if (dp) p_seen.insert(dp);
            if (dn) n_seen.insert(dn);
        }
    }
    EXPECT_EQ(p_seen, (std::set<int64_t>{1, 2}));
    EXPECT_EQ(n_seen, (std::set<int64_t>{3, 4}));

    // offset: the negative moves 1 or 2 further than the positive in every factor the positive changed
    auto off = triple(st, {{"p_radius_range", "[0, 1]"}, {"n_radius_range", "[1, 2]"}, {"n_radius_sample_mode", "offset"}});
    std::set<int64_t> extra_seen;
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(*off, st, 11000 + i);
        for (size_t f = 0; f < 6; ++f) {
            const int64_t dp = absd(t.a[f], t.p[f]), dn = absd(t.a[f], t.n[f]);
            ASSERT_LE(dp, 1);
            ASSERT_LE(dn, 3);
            if (dp == 1) {
                ASSERT_TRUE(dn == 2 || dn == 3) << "factor " << f << " dp " << dp << " dn " << dn;
                extra_seen.insert(dn - dp);
            }
        }
    }
    EXPECT_EQ(extra_seen, (std::set<int64_t>{1, 2}));

    // bounded_below: the negative is at least as far as the positive, at most n max
    auto bb = triple(st, {{"p_radius_range", "[1, 2]"}, {"n_radius_range", "[0, 3]"}});
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(*bb, st, 13000 + i);
        for (size_t f = 0; f < 6; ++f) {
            const int64_t dp = absd(t.a[f], t.p[f]), dn = absd(t.a[f], t.n[f]);
            ASSERT_LE(dp, 2);
            ASSERT_LE(dn, 3);
            if (dp) ASSERT_GE(dn, dp);
        }
    }
}

TEST(GtTriple, KSampleModes) {
    StateSpace st = xy_states();
    const std::map<std::string, std::string> moved = {{"p_radius_range", "[1, -1]"}, {"n_radius_range", "[1, -1]"}};
    // offset: n_k = p_k + U[1, 2]
    auto off = triple(st, with(with(with(moved, "p_k_range", "[1, 2]"), "n_k_range", "[1, 2]"), "n_k_sample_mode", "offset"));
    std::set<int> gaps;
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(*off, st, 15000 + i);
        const int kp = num_diff(t.a, t.p), kn = num_diff(t.a, t.n);
        ASSERT_TRUE(kp == 1 || kp == 2) << kp;
        ASSERT_TRUE(kn - kp == 1 || kn - kp == 2) << kp << " " << kn;
        gaps.insert(kn - kp);
    }
    EXPECT_EQ(gaps, (std::set<int>{1, 2}));
    // random: independent ranges
    auto ran = triple(st, with(with(with(moved, "p_k_range", "[0, 2]"), "n_k_range", "[3, 6]"), "n_k_sample_mode", "random"));
    std::set<int> kps, kns;
    for (int i = 0; i < kDraws; ++i) {
        Triple t = draw(*ran, st, 17000 + i);
        kps.insert(num_diff(t.a, t.p));
        kns.insert(num_diff(t.a, t.n));
    }
    EXPECT_EQ(kps, (std::set<int>{0, 1, 2}));
    EXPECT_EQ(kns, (std::set<int>{3, 4, 5, 6}));
}

TEST(GtTriple, InvalidRangesNameTheParameter) {
    StateSpace st = xy_states();
    auto err = [&](const std::map<std::string, std::string>& ov) { return user_error_of([&] { triple(st, ov); }); };
    std::string e = err({{"p_k_range", "[0, 5]"}, {"n_k_range", "[0, 3]"}});  // bounded_below: p max <= n max
    EXPECT_NE(e.find("n_k_sample_mode 'bounded_below' needs p_k_range max <= n_k_range max"), std::string::npos) << e;
    e = err({{"p_k_range", "[2, 3]"}, {"n_k_range", "[1, 4]"}, {"n_k_sample_mode", "random"}});
    EXPECT_NE(e.find("'random' needs p_k_range min <= n_k_range min"), std::string::npos) << e;
    e = err({{"p_k_range", "[1, 4]"}, {"n_k_range", "[3, 6]"}, {"n_k_sample_mode", "offset"}});  // 4 + 3 > 6
    EXPECT_NE(e.find("'offset' needs p_k_range max + n_k_range min <= 6"), std::string::npos) << e;
    e = err({{"n_radius_sample_mode", "offset"}});  // defaults: 8 + 0 > 8 // 2
    EXPECT_NE(e.find("p_radius_range max + n_radius_range min <= 4"), std::string::npos) << e;
    EXPECT_NE(e.find("factor 'x_R'"), std::string::npos) << e;
    e = err({{"p_radius_range", "[0, 1]"}, {"n_radius_range", "[5, 6]"}, {"n_radius_sample_mode", "random"}});
    EXPECT_NE(e.find("n_radius_range minimum 5 cannot be reached"), std::string::npos) << e;
    e = err({{"p_radius_range", "[5, 8]"}});
    EXPECT_NE(e.find("p_radius_range minimum 5"), std::string::npos) << e;
    e = err({{"p_k_range", "[7]"}});
    EXPECT_NE(e.find("p_k_range"), std::string::npos) << e;
    e = err({{"n_radius_range", "[2, 1]"}});
    EXPECT_NE(e.find("n_radius_range"), std::string::npos) << e;
    // the parameter table rejects unknown modes and metrics and chances outside [0, 1] ...
    EXPECT_NE(err({{"swap_metric", "kk"}}).find("swap_metric"), std::string::npos);
    EXPECT_NE(err({{"n_k_sample_mode", "bounded"}}).find("n_k_sample_mode"), std::string::npos);
    EXPECT_NE(err({{"swap_chance", "1.5"}}).find("swap_chance"), std::string::npos);
    // ... and so does the constructor
    TripleSamplerConfig c;
    c.swap_metric = "l3";
    e = user_error_of([&] { GroundTruthTripleSampler(st, c); });
    EXPECT_NE(e.find("swap_metric 'l3'"), std::string::npos) << e;
    c = TripleSamplerConfig();
    c.swap_chance = -0.1;
    EXPECT_NE(user_error_of([&] { GroundTruthTripleSampler(st, c); }).find("swap_chance"), std::string::npos);
    c = TripleSamplerConfig();
    c.n_radius_sample_mode = "around";
    EXPECT_NE(user_error_of([&] { GroundTruthTripleSampler(st, c); }).find("n_radius_sample_mode 'around'"),
              std::string::npos);
    // valid corner cases
    EXPECT_EQ(err({{"p_radius_range", "[0, 1]"}, {"n_radius_range", "[1, 3]"}, {"n_radius_sample_mode", "offset"}}), "");
    EXPECT_EQ(err({{"p_radius_range", "[4, 4]"}, {"n_radius_range", "[4, -1]"}}), "");
    EXPECT_EQ(user_error_of([&] { GroundTruthTripleSampler(StateSpace({8, 1}, {"x", "c"})); }), "");  // size-1 factor
}

TEST(GtTriple, MetricSwapOrdersEverySampleExactly) {
    StateSpace st = mixed_states();
    auto none = triple(st, kRandomModes);
    using Dist = std::function<int64_t(const Pos&, const Pos&)>;
    const std::map<std::string, Dist> metrics = {
        {"manhattan", manhattan},
        {"manhattan_norm", [&](const Pos& a, const Pos& b) { return manhattan_scaled(st, a, b); }},
        {"euclidean", euclid_sq},
        {"euclidean_norm", [&](const Pos& a, const Pos& b) { return euclid_scaled_sq(st, a, b); }},
        {"k", [](const Pos& a, const Pos& b) { return int64_t(num_diff(a, b)); }},
    };
    for (const auto& [name, d] : metrics) {
        auto s = triple(st, with(kRandomModes, "swap_metric", name));
        int unordered_before = 0, swaps = 0;
        for (int i = 0; i < kDraws; ++i) {
            const Triple u = draw(*none, st, 20000 + i), t = draw(*s, st, 20000 + i);  // same draws
            ASSERT_EQ(t.ia, u.ia);
            const bool swap = d(u.a, u.n) < d(u.a, u.p);
            unordered_before += swap;
            ASSERT_EQ(t.ip, swap ? u.in : u.ip) << name << " draw " << i;
            ASSERT_EQ(t.in, swap ? u.ip : u.in) << name << " draw " << i;
            ASSERT_LE(d(t.a, t.p), d(t.a, t.n)) << name << " draw " << i;
            swaps += t.ip != u.ip;
        }
        EXPECT_GT(unordered_before, kDraws / 10) << name;  // the unswapped sampler is often out of order
        EXPECT_EQ(swaps, unordered_before) << name;
    }
}

TEST(GtTriple, KAndKOrigSwapInOppositeDirections) {
    StateSpace st = mixed_states();
    auto k = triple(st, with(kRandomModes, "swap_metric", "k"));
    auto orig = triple(st, with(kRandomModes, "swap_metric", "k_orig"));
    auto none = triple(st, kRandomModes);
    int differs = 0;
    for (int i = 0; i < kDraws; ++i) {
        const Triple u = draw(*none, st, 30000 + i), a = draw(*k, st, 30000 + i), b = draw(*orig, st, 30000 + i);
        // intended k: the positive differs in no more factors than the negative; disent's k: the reverse
        ASSERT_LE(num_diff(a.a, a.p), num_diff(a.a, a.n)) << i;
        ASSERT_GE(num_diff(b.a, b.p), num_diff(b.a, b.n)) << i;
        if (num_diff(u.a, u.p) != num_diff(u.a, u.n)) {
            ++differs;
            ASSERT_EQ(a.ip, b.in) << i;  // opposite choices
            ASSERT_EQ(a.in, b.ip) << i;
        } else {
            ASSERT_EQ(a.ip, u.ip) << i;  // ties never swap
            ASSERT_EQ(b.ip, u.ip) << i;
        }
    }
    EXPECT_GT(differs, kDraws / 3);
}

TEST(GtTriple, SwapChance) {
    StateSpace st = xy_states();
    auto off = triple(st, {});
    auto always = triple(st, {{"swap_chance", "1.0"}});
    auto half = triple(st, {{"swap_chance", "0.5"}});
    int distinct = 0, swapped_half = 0;
    for (int i = 0; i < 4000; ++i) {
        const Triple u = draw(*off, st, 40000 + i), t = draw(*always, st, 40000 + i), h = draw(*half, st, 40000 + i);
        ASSERT_EQ(t.ia, u.ia);
        ASSERT_EQ(t.ip, u.in) << i;
        ASSERT_EQ(t.in, u.ip) << i;
        if (u.ip != u.in) {
            ++distinct;
            ASSERT_TRUE((h.ip == u.ip && h.in == u.in) || (h.ip == u.in && h.in == u.ip)) << i;
            swapped_half += h.ip == u.in;
        }
    }
    ASSERT_GT(distinct, 3000);
    EXPECT_NEAR(swapped_half / double(distinct), 0.5, 0.04);
    // the random swap comes after the metric swap: with chance 1 every triple is anti-ordered
    auto anti = triple(st, with(with(kRandomModes, "swap_metric", "manhattan"), "swap_chance", "1"));
    for (int i = 0; i < kDraws; ++i) {
        const Triple t = draw(*anti, st, 45000 + i);
        ASSERT_GE(manhattan(t.a, t.p), manhattan(t.a, t.n)) << i;
    }
}

TEST(GtTriple, StatelessAndDeterministic) {
    StateSpace st = xy_states();
    GroundTruthTripleSampler s(st);
    for (int i = 0; i < 200; ++i) {
        const Triple x = draw(s, st, 50000 + i), y = draw(s, st, 50000 + i);
        ASSERT_EQ(x.ip, y.ip);
        ASSERT_EQ(x.in, y.in);
    }
    int same = 0;
    for (int i = 0; i < 200; ++i) same += draw(s, st, 50000 + i).ip == draw(s, st, 60000 + i).ip;
    EXPECT_LT(same, 20);
}

// ---- exact scaled distances -----------------------------------------------------------------------

TEST(FactorDistance, ScaledManhattanComparesExactly) {
    // sizes 4, 8, 4: |delta| / 3, / 7, / 3. (0,3,3) and (1,3,2) are both 10/7 from the origin, but summing in
    // double gives 1.4285714285714286 against 1.4285714285714284.
    StateSpace st({4, 8, 4}, {"a", "b", "c"});
    FactorDistance d(st.factor_sizes());
    const Pos o{0, 0, 0}, x{0, 3, 3}, y{1, 3, 2}, u{0, 7, 3}, v{2, 7, 1};
    ASSERT_GT(manhattan_scaled_double(st, o, x), manhattan_scaled_double(st, o, y));
    ASSERT_GT(manhattan_scaled_double(st, o, u), manhattan_scaled_double(st, o, v));  // 2.0 vs 1.9999999999999998
    EXPECT_EQ(d.compare(FactorMetric::ManhattanScaled, o.data(), x.data(), y.data()), 0);
    EXPECT_EQ(d.compare(FactorMetric::ManhattanScaled, o.data(), u.data(), v.data()), 0);
    EXPECT_EQ(d.compare(FactorMetric::EuclideanScaled, o.data(), u.data(), u.data()), 0);
    const Pos w{0, 3, 2};  // 3/7 + 2/3 = 23/21 < 30/21: strictly closer
    EXPECT_EQ(d.compare(FactorMetric::ManhattanScaled, o.data(), w.data(), x.data()), -1);
    EXPECT_EQ(d.compare(FactorMetric::ManhattanScaled, o.data(), x.data(), w.data()), 1);
    EXPECT_EQ(d.compare(FactorMetric::Manhattan, o.data(), x.data(), y.data()), 0);   // 6 vs 6
    EXPECT_EQ(d.compare(FactorMetric::Differing, o.data(), x.data(), y.data()), -1);  // 2 vs 3
    EXPECT_EQ(d.compare(FactorMetric::Euclidean, o.data(), x.data(), y.data()), 1);   // 18 vs 14
    // (1, 0, 0) vs (0, 0, 1): equal when scaled; (0, 7, 0) is 1 = 3/3
    const Pos e1{1, 0, 0}, e3{0, 0, 1}, b7{0, 7, 0}, a3{3, 0, 0};
    EXPECT_EQ(d.compare(FactorMetric::EuclideanScaled, o.data(), e1.data(), e3.data()), 0);
    EXPECT_EQ(d.compare(FactorMetric::EuclideanScaled, o.data(), b7.data(), a3.data()), 0);
    EXPECT_EQ(d.compare(FactorMetric::Euclidean, o.data(), b7.data(), a3.data()), 1);
    EXPECT_TRUE(d.exact(FactorMetric::EuclideanScaled));
    // size-1 factors count with denominator 1 (disent's manhattan_norm would divide by zero)
    FactorDistance one({1, 5});
    const Pos z{0, 0}, q{0, 4}, r{0, 2};
    EXPECT_EQ(one.compare(FactorMetric::ManhattanScaled, z.data(), q.data(), r.data()), 1);
}

// ---- gt_dist --------------------------------------------------------------------------------------

TEST(GtDist, EveryModeOrdersEveryTriple) {
    StateSpace st = mixed_states();
    // the drawn order: the same Rng stream through RandomSampler, which never reorders
    RandomSampler ran(st, 3);
    GroundTruthDistSampler unordered(st, 3, "random");
    EXPECT_EQ(unordered.num_obs(), 3);
    EXPECT_EQ(unordered.input_mode(), "triplet");
    for (int i = 0; i < kDraws; ++i) {
        const Triple u = draw(ran, st, 70000 + i), t = draw(unordered, st, 70000 + i);
        ASSERT_EQ(t.ip, u.ip);
        ASSERT_EQ(t.in, u.in);
    }
    using Key = std::function<std::pair<int64_t, int64_t>(const Pos&, const Pos&)>;  // compared lexicographically
    const std::map<std::string, Key> modes = {
        {"factors", [](const Pos& a, const Pos& b) { return std::pair<int64_t, int64_t>(num_diff(a, b), 0); }},
        {"manhattan", [](const Pos& a, const Pos& b) { return std::pair<int64_t, int64_t>(manhattan(a, b), 0); }},
        {"manhattan_scaled",
         [&](const Pos& a, const Pos& b) { return std::pair<int64_t, int64_t>(manhattan_scaled(st, a, b), 0); }},
        {"combined", [](const Pos& a, const Pos& b) { return std::pair<int64_t, int64_t>(num_diff(a, b), manhattan(a, b)); }},
        {"combined_scaled",
         [&](const Pos& a, const Pos& b) { return std::pair<int64_t, int64_t>(num_diff(a, b), manhattan_scaled(st, a, b)); }},
    };
    for (const auto& [mode, key] : modes) {
        GroundTruthDistSampler s(st, 3, mode);
        int swapped = 0, ties = 0, all_ties = 0;
        for (int i = 0; i < kDraws; ++i) {
            const Triple u = draw(ran, st, 70000 + i), t = draw(s, st, 70000 + i);
            ASSERT_EQ(t.ia, u.ia);
            const bool swap = key(u.a, u.p) > key(u.a, u.n);  // only when strictly farther
            ASSERT_EQ(t.ip, swap ? u.in : u.ip) << mode << " " << i;
            ASSERT_EQ(t.in, swap ? u.ip : u.in) << mode << " " << i;
            ASSERT_LE(key(t.a, t.p), key(t.a, t.n)) << mode << " " << i;
            swapped += swap;
            ties += key(u.a, u.p) == key(u.a, u.n) && u.ip != u.in;
            all_ties += key(u.a, u.p) == key(u.a, u.n);
        }
        EXPECT_NEAR(swapped, (kDraws - all_ties) / 2.0, 150) << mode;  // half of the non-tied draws (sd ~22)
        if (mode == "factors") EXPECT_GT(ties, kDraws / 5);  // ties are common by factor count alone
    }
}

TEST(GtDist, ScaledTiesAreExactNotFloat) {
    StateSpace st({4, 8, 4}, {"a", "b", "c"});
    RandomSampler ran(st, 3);  // the drawn order
    GroundTruthDistSampler scaled(st, 3, "manhattan_scaled");
    int float_would_swap = 0;
    for (int i = 0; i < 40000; ++i) {
        const Triple u = draw(ran, st, 80000 + i), t = draw(scaled, st, 80000 + i);
        const int64_t dp = manhattan_scaled(st, u.a, u.p), dn = manhattan_scaled(st, u.a, u.n);
        ASSERT_EQ(t.ip, dp > dn ? u.in : u.ip) << i;
        if (dp == dn && manhattan_scaled_double(st, u.a, u.p) > manhattan_scaled_double(st, u.a, u.n)) {
            ++float_would_swap;  // exact tie, float says farther: must keep the drawn order
            ASSERT_EQ(t.ip, u.ip) << i;
            ASSERT_EQ(t.in, u.in) << i;
        }
    }
    EXPECT_GT(float_would_swap, 10);
}

TEST(GtDist, RandomModeIsUniformAndSwapChanceSwaps) {
    StateSpace st({3, 4}, {"a", "b"});  // 12 states
    GroundTruthDistSampler ran(st, 3, "random");
    const int n = 12000;
    std::vector<int> counts(12, 0);
    Rng rng(7);
    int64_t out[3];
    for (int i = 0; i < n; ++i) {
        const int64_t idx = st.sample_index(rng);
        ran.sample(idx, rng, out);
        ASSERT_EQ(out[0], idx);
        counts[static_cast<size_t>(out[1])]++;
        counts[static_cast<size_t>(out[2])]++;
    }
    double chi2 = 0;
    const double expect = 2.0 * n / 12;
    for (int c : counts) chi2 += (c - expect) * (c - expect) / expect;
    EXPECT_LT(chi2, 31.3);  // 11 degrees of freedom, p = 0.001

    GroundTruthDistSampler keep(st, 3, "manhattan"), flip(st, 3, "manhattan", 1.0);
    for (int i = 0; i < kDraws; ++i) {
        const Triple u = draw(keep, st, 90000 + i), t = draw(flip, st, 90000 + i);
        ASSERT_EQ(t.ip, u.in);
        ASSERT_EQ(t.in, u.ip);
    }
}

TEST(GtDist, NumSamplesAndValidation) {
    StateSpace st = xy_states();
    for (int64_t k = 1; k <= 3; ++k) {
        GroundTruthDistSampler s(st, k);
        EXPECT_EQ(s.num_obs(), k);
        EXPECT_EQ(s.input_mode(), k == 1 ? "single" : k == 2 ? "pair" : "triplet");
        Rng rng(1);
        int64_t out[4] = {-1, -1, -1, -1};
        s.sample(5, rng, out);
        EXPECT_EQ(out[0], 5);
        for (int64_t i = 1; i < k; ++i) EXPECT_GE(out[i], 0);
        EXPECT_EQ(out[k], -1);  // writes exactly num_samples entries
    }
    EXPECT_NE(user_error_of([&] { GroundTruthDistSampler(st, 4); }).find("num_samples 4"), std::string::npos);
    EXPECT_NE(user_error_of([&] { GroundTruthDistSampler(st, 3, "l2"); }).find("triplet_sample_mode 'l2'"), std::string::npos);
    EXPECT_NE(user_error_of([&] { GroundTruthDistSampler(st, 3, "factors", 2.0); }).find("triplet_swap_chance"),
              std::string::npos);
    EXPECT_NE(user_error_of([&] { make_sampler("gt_dist", st, {{"num_samples", "0"}}); }).find("num_samples"),
              std::string::npos);
    auto def = make_sampler("gt_dist", st, {});
    EXPECT_EQ(def->num_obs(), 3);
}

// ---- random ---------------------------------------------------------------------------------------

TEST(RandomSampler, NumSamplesAndUniformCoverage) {
    StateSpace st({3, 4}, {"a", "b"});
    for (int64_t k = 1; k <= 3; ++k) {
        RandomSampler s(st, k);
        EXPECT_EQ(s.num_obs(), k);
        EXPECT_EQ(s.input_mode(), k == 1 ? "single" : k == 2 ? "pair" : "triplet");
        Rng rng(3);
        std::vector<int> counts(12, 0);
        int64_t out[4];
        const int n = 12000;
        for (int i = 0; i < n; ++i) {
            out[k] = -7;
            const int64_t idx = st.sample_index(rng);
            s.sample(idx, rng, out);
            ASSERT_EQ(out[0], idx);
            ASSERT_EQ(out[k], -7);
            for (int64_t j = 1; j < k; ++j) counts[static_cast<size_t>(out[j])]++;
        }
        if (k == 1) continue;
        double chi2 = 0;
        const double expect = double(n) * double(k - 1) / 12;
        for (int c : counts) chi2 += (c - expect) * (c - expect) / expect;
        EXPECT_LT(chi2, 31.3) << k;  // 11 degrees of freedom, p = 0.001
    }
    EXPECT_NE(user_error_of([&] { RandomSampler(st, 0); }).find("num_samples 0"), std::string::npos);
    EXPECT_NE(user_error_of([&] { make_sampler("random", st, {{"num_samples", "4"}}); }).find("num_samples"),
              std::string::npos);
    EXPECT_EQ(make_sampler("random", st, {})->num_obs(), 2);
    EXPECT_EQ(make_sampler("random", st, {{"num_samples", "3"}})->input_mode(), "triplet");
}

// ---- registry ---------------------------------------------------------------------------------------

TEST(SamplerRegistry, TripletAndCountedSamplersTraits) {
    register_all();
    const auto& t = sampler_registry().get("gt_triple").info;
    EXPECT_EQ(t.traits.at("input_mode"), "triplet");
    EXPECT_EQ(t.traits.at("num_obs"), "3");
    for (const char* name : {"gt_dist", "random"}) {
        const auto& info = sampler_registry().get(name).info;
        EXPECT_EQ(info.traits.at("input_mode"), "num_samples") << name;
        EXPECT_EQ(info.traits.at("num_obs"), "num_samples") << name;
        bool has = false;
        for (const auto& p : info.params) has |= p.name == "num_samples" && p.min == 1.0 && p.max == 3.0;
        EXPECT_TRUE(has) << name;
    }
    EXPECT_EQ(sampler_registry().get("gt_pair").info.traits.at("num_obs"), "2");
    StateSpace st = xy_states();
    auto gt = make_sampler("gt_triple", st, {{"swap_metric", "k_orig"}});
    EXPECT_EQ(gt->num_obs(), 3);
    EXPECT_EQ(gt->input_mode(), "triplet");
    EXPECT_NE(user_error_of([&] { make_sampler("gt_triple", st, {{"p_k_range", "[9]"}}); }).find("p_k_range"),
              std::string::npos);
}
