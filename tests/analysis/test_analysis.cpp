// The paper's analyses (lib/analysis, `disent-run analyse`): exact XYSquares values from the oracle
// ../shared/reference/xysquares_exact.py, and every command end to end through the in-process CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "analysis/common.hpp"
#include "analysis/distances.hpp"
#include "analysis/importance.hpp"
#include "analysis/learned.hpp"
#include "analysis/stats.hpp"
#include "cli/cli.hpp"
#include "config/spec.hpp"
#include "fig10_box_blur.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"
#include "io/png.hpp"
#include "losses/recon_loss.hpp"
#include "cli_runner.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"
#include "train/trainer.hpp"

using namespace disent;
using disent::testing::TempDir;
using disent::testing::source_path;

namespace {

constexpr auto& run = disent::testing::run_cli_captured;

std::unique_ptr<data::GroundTruthData> xysquares(int spacing) {
    return analysis::make_dataset("xysquares", {"grid_size=8", "grid_spacing=" + std::to_string(spacing)});
}

// ---- the oracle (xysquares_exact.py), ported ----------------------------------------------------
double mse_factor(int s, int i, int j) { return std::min(s * std::abs(i - j), 8) / 768.0; }

std::pair<double, double> oracle_factor_pairs(int s) {
    std::vector<double> v;
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j)
            if (i != j) v.push_back(mse_factor(s, i, j));
    return analysis::mean_std(v);
}

std::pair<double, double> oracle_random_pairs(int s) {
    double sum = 0, sum2 = 0;
    int n = 0;
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j)
            for (int k = 0; k < 8; ++k)
                for (int l = 0; l < 8; ++l) {
                    const double q = 2.0 * (64 - std::max(8 - s * std::abs(i - j), 0) * std::max(8 - s * std::abs(k - l), 0));
                    sum += q, sum2 += q * q, ++n;
                }
    const double mu = sum / n, var = sum2 / n - mu * mu;
    return {3 * mu / 12288.0, std::sqrt(3 * var) / 12288.0};
}

// The oracle's printed values (5 decimals), s = 8..1: factor-pair mean, std, random-pair mean, std.
const double kPrinted[8][4] = {
    {0.01042, 0.00000, 0.03076, 0.00224}, {0.01009, 0.00056, 0.03052, 0.00228}, {0.00977, 0.00113, 0.03024, 0.00243},
    {0.00944, 0.00169, 0.02991, 0.00270}, {0.00911, 0.00226, 0.02953, 0.00309}, {0.00823, 0.00270, 0.02827, 0.00362},
    {0.00688, 0.00313, 0.02569, 0.00446}, {0.00391, 0.00226, 0.01714, 0.00420}};

const analysis::ImportanceRow& row_of(const std::vector<analysis::ImportanceRow>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.factor == name) return r;
    throw std::runtime_error("no row " + name);
}

}  // namespace

// Table A1, XYSquares: every factor 8/768 with std 0 (paper sampling), random pairs 0.0308 ± 0.0022.
TEST(Importance, XYSquaresSpacing8MatchesTableA1) {
    auto ds = xysquares(8);
    auto mse = losses::make_recon_loss("mse");
    analysis::ImportanceOptions o;
    o.pairs = 10000;
    auto rows = analysis::factor_importance(*ds, *mse, o);
    ASSERT_EQ(rows.size(), 7u);
    EXPECT_EQ(rows.front().factor, "random");  // random pairs are the most distant
    for (const auto& r : rows) {
        EXPECT_EQ(r.pairs, 10000) << r.factor;
        if (r.factor == "random") continue;
        EXPECT_NEAR(r.mean, 8.0 / 768.0, 1e-7) << r.factor;
        EXPECT_NEAR(r.std, 0.0, 1e-7) << r.factor;
    }
    const auto& rnd = row_of(rows, "random");
    const auto [mu, sd] = oracle_random_pairs(8);
    EXPECT_NEAR(mu, 0.0307617, 1e-7);  // 3·(63/64)·(8/768)
    EXPECT_NEAR(sd, 0.0022376, 1e-7);
    const double se = sd / std::sqrt(10000.0);
    EXPECT_NEAR(rnd.mean, mu, 3 * se);
    EXPECT_NEAR(rnd.mean, 0.0308, 0.0002);  // Table A1
    EXPECT_NEAR(rnd.std, 0.0022, 0.0002);
    // Fig A1 staircase: k differing squares with P(k=3) = 0.95385
    int64_t three = 0;
    for (double d : rnd.distances) three += std::fabs(d - 3 * 128.0 / 12288.0) < 1e-7;
    EXPECT_NEAR(static_cast<double>(three) / 10000.0, 0.95385, 0.0065);
}

// xysquares_exact.py per-spacing table: exact enumeration of every ordered pair i != j along traversals,
// random pairs by Monte-Carlo within 3 standard errors of the oracle's exact mean.
TEST(Importance, PerSpacingMatchesOracle) {
    auto mse = losses::make_recon_loss("mse");
    for (int s = 8; s >= 1; --s) {
        auto ds = xysquares(s);
        analysis::ImportanceOptions o;
        o.exact = true;
        o.traversals = 2;
        o.pairs = 3000;
        auto rows = analysis::factor_importance(*ds, *mse, o);
        const auto [fm, fs] = oracle_factor_pairs(s);
        const double* printed = kPrinted[8 - s];
        EXPECT_NEAR(fm, printed[0], 5e-6) << s;
        EXPECT_NEAR(fs, printed[1], 5e-6) << s;
        for (const auto& r : rows) {
            if (r.factor == "random") continue;
            EXPECT_EQ(r.pairs, 2 * 56) << r.factor;
            EXPECT_NEAR(r.mean, fm, 1e-7) << "s=" << s << " " << r.factor;
            EXPECT_NEAR(r.std, fs, 1e-7) << "s=" << s << " " << r.factor;
            EXPECT_NEAR(r.mean, printed[0], 5e-6 + 1e-7) << s;
            EXPECT_NEAR(r.std, printed[1], 5e-6 + 1e-7) << s;
        }
        const auto [rm, rs] = oracle_random_pairs(s);
        EXPECT_NEAR(rm, printed[2], 5e-6) << s;
        EXPECT_NEAR(rs, printed[3], 5e-6) << s;
        const auto& rnd = row_of(rows, "random");
        EXPECT_NEAR(rnd.mean, rm, 3 * rs / std::sqrt(3000.0)) << s;
    }
}

// Fig 8: D_s[i][j] = min(s·|i−j|, 8)/768 for every factor, exact for any traversal; distinct values.
TEST(Distances, Fig8Matrices) {
    auto mse = losses::make_recon_loss("mse");
    const std::map<int, size_t> distinct = {{8, 1}, {2, 4}, {1, 7}};
    for (int s : {8, 2, 1}) {
        auto ds = xysquares(s);
        auto ms = analysis::distance_matrices(*ds, *mse, 3, 777);
        ASSERT_EQ(ms.size(), 6u);
        for (const auto& m : ms) {
            ASSERT_EQ(m.n, 8);
            std::set<long> values;
            for (int i = 0; i < 8; ++i)
                for (int j = 0; j < 8; ++j) {
                    EXPECT_EQ(m.ground_truth[i * 8 + j], std::abs(i - j));
                    EXPECT_NEAR(m.perceived[i * 8 + j], mse_factor(s, i, j), 1e-7) << "s=" << s << " " << m.factor << " " << i << "," << j;
                    if (i != j) values.insert(std::lround(m.perceived[i * 8 + j] * 1e7));
                }
            EXPECT_EQ(values.size(), distinct.at(s)) << s;
        }
    }
}

// Fig 10 top row: the box-blur loss perceives x_R distances (averaged over y_R) nearly linearly.
TEST(Distances, Fig10BoxBlurMatrix) {
    auto ds = xysquares(8);
    auto box = losses::make_recon_loss("mse_box_r31_l1.0_k3969.0");
    std::vector<double> avg(64, 0.0);
    for (int y = 0; y < 8; ++y) {
        const std::vector<int64_t> base = {0, y, 3, 5, 6, 1};  // other squares cancel (other channels)
        const auto m = analysis::traversal_matrix(*ds, *box, 0, base);
        if (y == 0) EXPECT_NEAR(m[1], 0.0258494, 1e-6);  // reference §6.1 single case x 0 vs 8, y 0
        for (int k = 0; k < 64; ++k) avg[k] += m[k] / 8.0;
    }
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) EXPECT_NEAR(avg[i * 8 + j], disent::testing::kFig10BoxBlur[i][j], 5e-5 + 1e-6) << i << "," << j;
    // rank correlation with |i−j| is high for box blur and undefined (constant) for plain MSE
    std::vector<double> gt, pb, pm;
    auto mse = losses::make_recon_loss("mse");
    const auto mm = analysis::traversal_matrix(*ds, *mse, 0, {0, 0, 0, 0, 0, 0});
    for (int i = 0; i < 8; ++i)
        for (int j = i + 1; j < 8; ++j) gt.push_back(j - i), pb.push_back(avg[i * 8 + j]), pm.push_back(mm[i * 8 + j]);
    EXPECT_GT(analysis::spearman(gt, pb), 0.95);
    EXPECT_TRUE(std::isnan(analysis::spearman(gt, pm)));
}

TEST(Stats, XYSquaresConstantsExact) {
    auto ds = xysquares(4);
    auto s = analysis::channel_stats(*ds, 300, 1);
    ASSERT_EQ(s.mean.size(), 3u);
    for (int c = 0; c < 3; ++c) {
        EXPECT_NEAR(s.mean[c], 0.015625, 1e-12);
        EXPECT_NEAR(s.std[c], 1.0 / std::sqrt(65.0), 1e-9);
    }
}

TEST(Spearman, TiesAndPerfectOrder) {
    EXPECT_NEAR(analysis::spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0, 1e-12);
    EXPECT_NEAR(analysis::spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
    EXPECT_NEAR(analysis::spearman({1, 1, 2, 2}, {1, 1, 2, 2}), 1.0, 1e-12);
    EXPECT_TRUE(std::isnan(analysis::spearman({1, 2, 3}, {5, 5, 5})));
}

// ---- the command, end to end -----------------------------------------------------------------------

TEST(AnalyseCli, ImportanceStatsDistancesTraversals) {
    TempDir tmp;
    const std::string out = tmp / "a";
    auto r = run({"analyse", "importance", "xysquares", "grid_spacing=8", "--pairs", "3000", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    auto t = io::CsvTable::load(out + "/importance.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"factor", "mean", "std", "pairs"}));
    ASSERT_EQ(t.rows.size(), 7u);
    EXPECT_EQ(t.rows[0][0], "random");
    for (size_t i = 1; i < 7; ++i) {
        EXPECT_NEAR(std::stod(t.rows[i][1]), 8.0 / 768.0, 1e-7);
        EXPECT_EQ(t.rows[i][3], "3000");
    }
    auto png = io::read_png(out + "/importance.png");
    EXPECT_GT(png.width, 400);
    EXPECT_GT(png.height, 200);

    r = run({"analyse", "stats", "xysquares", "--samples", "200", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    t = io::CsvTable::load(out + "/stats.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"channel", "mean", "std"}));
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_NEAR(std::stod(t.rows[0][2]), 0.12403473458920847, 1e-9);
    io::read_png(out + "/stats.png");

    r = run({"analyse", "distances", "xysquares", "grid_size=8", "grid_spacing=2", "--traversals", "2", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    t = io::CsvTable::load(out + "/distances.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"factor", "i", "j", "ground_truth", "perceived"}));
    ASSERT_EQ(t.rows.size(), 6u * 64u);
    for (const auto& row : t.rows) {
        const int i = std::stoi(row[1]), j = std::stoi(row[2]);
        EXPECT_EQ(std::stod(row[3]), std::abs(i - j));
        EXPECT_NEAR(std::stod(row[4]), mse_factor(2, i, j), 1e-7) << row[0];
    }
    png = io::read_png(out + "/distances.png");
    // 6 rows of panels (n = 8: 12 px cells, 126 px high with the axes) under a title and a header line
    EXPECT_EQ(png.height, 6 + 14 + 12 + 6 * (126 + 6));

    r = run({"analyse", "traversals", "xysquares", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    png = io::read_png(out + "/traversals.png");
    EXPECT_GE(png.width, 8 * 64);
    EXPECT_GE(png.height, 6 * 64);
    EXPECT_EQ(io::read_file(out + "/traversals.gif").substr(0, 6), "GIF89a");
    t = io::CsvTable::load(out + "/traversals.csv");
    EXPECT_EQ(t.rows.size(), 6u * 8u);

    // errors: unknown analysis, unknown dataset parameter, learned on a dataset
    EXPECT_EQ(run({"analyse", "nonsense", "xysquares", "--out", out}).code, 2);
    r = run({"analyse", "stats", "xysquares", "grid_spacin=2", "--out", out});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("grid_spacing"), std::string::npos) << r.err;
    EXPECT_EQ(run({"analyse", "learned", "xysquares", "--out", out}).code, 2);
}

// `learned` and latent traversals on a run trained for 3 steps on the CPU.
TEST(AnalyseCli, LearnedOnShortRun) {
    TempDir tmp;
    const std::string run_dir = tmp / "run";
    auto cfg = config::resolve_file(source_path("experiments/quickstart.yaml"),
                                    {"device=cpu", "train.steps=3", "train.batch_size=4", "train.log_every=1",
                                     "metrics.during=[]", "metrics.final=[]"},
                                    train::build_catalog());
    train::TrainOptions o;
    o.run_dir = run_dir;
    o.progress = "none";
    std::ostringstream log;
    o.out = &log;
    ASSERT_EQ(train::train_new(cfg, o).status, train::TrainStatus::Finished);

    const std::string out = tmp / "learned";
    auto r = run({"analyse", "learned", run_dir, "--traversals", "2", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    auto t = io::CsvTable::load(out + "/learned.csv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"factor", "i", "j", "ground_truth", "perceived_data", "latent_l2",
                                                  "latent_kl", "perceived_recon"}));
    EXPECT_EQ(t.rows.size(), 6u * 64u);
    // perceived on standardised data: 65 × 8/768 off the diagonal for mse (reference §6.1)
    EXPECT_NEAR(std::stod(t.rows[1][4]), 65.0 * 8.0 / 768.0, 1e-4);
    auto c = io::CsvTable::load(out + "/learned_correlation.csv");
    EXPECT_EQ(c.header, (std::vector<std::string>{"factor", "level", "spearman"}));
    ASSERT_EQ(c.rows.size(), 7u * 5u);  // 6 factors + "all", 5 levels each
    EXPECT_EQ(c.rows[0][1], "ground_truth");
    EXPECT_NEAR(std::stod(c.rows[0][2]), 1.0, 1e-12);
    EXPECT_EQ(c.rows[1][2], "nan");  // mse perceives every pair alike: no rank order
    auto png = io::read_png(out + "/learned.png");
    EXPECT_EQ(png.height, 6 + 14 + 12 + 6 * (126 + 6));  // one row of panels per factor
    EXPECT_GE(png.width, 5 * (112 + 6));                 // one panel per level

    r = run({"analyse", "traversals", run_dir, "--frames", "5", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    png = io::read_png(out + "/traversals.png");
    EXPECT_GE(png.height, 9 * 64);  // z_size 9 latents
    EXPECT_GE(png.width, 5 * 64);
    EXPECT_EQ(io::read_file(out + "/traversals.gif").substr(0, 6), "GIF89a");
}
