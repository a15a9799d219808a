// `disent-run evaluate` in-process: on stored codes (.npz) and on a trained run directory / checkpoint.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "io/npz.hpp"
#include "cli_runner.hpp"
#include "test_util.hpp"

using namespace disent;
using disent::testing::TempDir;
using disent::testing::source_path;

namespace {

constexpr auto& run_eval = disent::testing::run_cli_captured;

// Identity codes: 3 factors x 4 values, codes = factors (+ a constant nuisance latent).
void write_codes(const std::string& path, int64_t n, bool with_test, uint32_t seed = 1) {
    std::mt19937 gen(seed);
    auto make = [&](int64_t m, std::vector<double>& c, std::vector<int64_t>& f) {
        for (int64_t i = 0; i < m; ++i) {
            for (int j = 0; j < 3; ++j) f.push_back(static_cast<int64_t>(gen() % 4));
            for (int j = 0; j < 3; ++j) c.push_back(static_cast<double>(f[i * 3 + j]) + 0.01 * (gen() % 7));
            c.push_back(0.5);
        }
    };
    std::vector<double> c, ct;
    std::vector<int64_t> f, ft;
    make(n, c, f);
    std::map<std::string, io::NpyArray> arrays;
    arrays["codes"] = io::make_array(c, {n, 4});
    arrays["factors"] = io::make_array(f, {n, 3});
    arrays["factor_sizes"] = io::make_array(std::vector<int64_t>{4, 4, 4});
    if (with_test) {
        make(n / 2, ct, ft);
        arrays["codes_test"] = io::make_array(ct, {n / 2, 4});
        arrays["factors_test"] = io::make_array(ft, {n / 2, 3});
    }
    io::write_npz(path, arrays);
}

}  // namespace

TEST(Evaluate, StoredCodesAllCodeMetrics) {
    TempDir tmp;
    write_codes(tmp / "codes.npz", 600, false);
    auto r = run_eval({"evaluate", "--codes", tmp / "codes.npz", "--preset", "fast", "--out", tmp / "scores.json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = io::read_json(tmp / "scores.json");
    for (const char* m : {"mig", "dci", "sap", "modularity", "unsupervised", "irs"}) EXPECT_TRUE(j["metrics"].contains(m)) << m;
    EXPECT_GE(j["metrics"]["mig"]["mig.discrete_score"].get<double>(), 0.9);
    EXPECT_GE(j["metrics"]["dci"]["dci.disentanglement"].get<double>(), 0.9);
    EXPECT_EQ(j["num_test_points"].get<int64_t>(), 0);
    EXPECT_NE(r.out.find("[evaluate] mig"), std::string::npos);
}

TEST(Evaluate, StoredCodesWithTestSplit) {
    TempDir tmp;
    write_codes(tmp / "codes.npz", 400, true);
    auto r = run_eval({"evaluate", "--codes", tmp / "codes.npz", "--metrics", "dci,sap", "--out", tmp / "s.json", "--seed", "3"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = io::read_json(tmp / "s.json");
    EXPECT_EQ(j["num_test_points"].get<int64_t>(), 200);
    EXPECT_EQ(j["seed"].get<int64_t>(), 3);
    EXPECT_EQ(j["metrics"].size(), 2u);
    EXPECT_GE(j["metrics"]["dci"]["dci.informativeness_test"].get<double>(), 0.9);
}

TEST(Evaluate, StoredCodesErrors) {
    TempDir tmp;
    write_codes(tmp / "ok.npz", 50, false);
    // a metric that needs a model
    auto r = run_eval({"evaluate", "--codes", tmp / "ok.npz", "--metrics", "mig,factor_vae"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("factor_vae"), std::string::npos) << r.err;
    // unknown metric
    r = run_eval({"evaluate", "--codes", tmp / "ok.npz", "--metrics", "mgi"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("did you mean 'mig'"), std::string::npos) << r.err;
    // missing array
    io::write_npz(tmp / "nofactors.npz", {{"codes", io::make_array(std::vector<double>(8, 0.0), {4, 2})}});
    r = run_eval({"evaluate", "--codes", tmp / "nofactors.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("nofactors.npz"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'factors'"), std::string::npos) << r.err;
    // row count mismatch
    io::write_npz(tmp / "rows.npz", {{"codes", io::make_array(std::vector<double>(8, 0.0), {4, 2})},
                                     {"factors", io::make_array(std::vector<int64_t>(3, 0), {3, 1})}});
    r = run_eval({"evaluate", "--codes", tmp / "rows.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("'factors' has 3 rows"), std::string::npos) << r.err;
    // float factors, 1-D codes, factors outside factor_sizes
    io::write_npz(tmp / "ff.npz", {{"codes", io::make_array(std::vector<double>(8, 0.0), {4, 2})},
                                   {"factors", io::make_array(std::vector<double>(4, 0.5), {4, 1})}});
    r = run_eval({"evaluate", "--codes", tmp / "ff.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("integers"), std::string::npos) << r.err;
    io::write_npz(tmp / "1d.npz", {{"codes", io::make_array(std::vector<double>(4, 0.0))},
                                   {"factors", io::make_array(std::vector<int64_t>(4, 0), {4, 1})}});
    r = run_eval({"evaluate", "--codes", tmp / "1d.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("'codes' must be a 2-D"), std::string::npos) << r.err;
    io::write_npz(tmp / "range.npz", {{"codes", io::make_array(std::vector<double>(4, 0.0), {4, 1})},
                                      {"factors", io::make_array(std::vector<int64_t>{0, 1, 2, 3}, {4, 1})},
                                      {"factor_sizes", io::make_array(std::vector<int64_t>{3})}});
    r = run_eval({"evaluate", "--codes", tmp / "range.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("outside [0, 3)"), std::string::npos) << r.err;
    // not a zip, missing file, no target
    { std::ofstream(tmp / "junk.npz") << "not a zip"; }
    r = run_eval({"evaluate", "--codes", tmp / "junk.npz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("junk.npz"), std::string::npos) << r.err;
    EXPECT_EQ(run_eval({"evaluate", "--codes", tmp / "missing.npz"}).code, 2);
    EXPECT_EQ(run_eval({"evaluate"}).code, 2);
    EXPECT_EQ(run_eval({"evaluate", tmp.path(), "--codes", tmp / "ok.npz"}).code, 2);
    EXPECT_EQ(run_eval({"evaluate", tmp.path()}).code, 2);  // not a run directory
}

TEST(Evaluate, RunDirectoryAndCheckpoint) {
    TempDir tmp;
    const std::string run = tmp / "run";
    auto t = run_eval({"train", source_path("experiments/quickstart.yaml"), "device=cpu", "train.steps=2", "train.batch_size=2",
                       "train.log_every=1", "metrics.during=[]", "metrics.final=[mig]", "metrics.final_preset=fast", "--out", run,
                       "--progress", "none"});
    ASSERT_EQ(t.code, 0) << t.err << t.out;
    const double final_mig = io::read_json(run + "/summary.json")["final_metrics"]["mig.discrete_score"].get<double>();

    // Default metrics and seed = the run's final metrics: identical value.
    auto r = run_eval({"evaluate", run, "--preset", "fast", "--out", tmp / "e.json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = io::read_json(tmp / "e.json");
    EXPECT_EQ(j["metrics"]["mig"]["mig.discrete_score"].get<double>(), final_mig);
    EXPECT_EQ(j["checkpoint_step"].get<int64_t>(), 2);

    r = run_eval({"evaluate", run + "/checkpoints/last.pt", "--metrics", "unsupervised,linearity", "--preset", "fast", "--seed", "5"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto csv = io::CsvTable::load(run + "/metrics.csv");
    int evaluate_rows = 0;
    for (const auto& row : csv.rows) evaluate_rows += row[1] == "evaluate";
    EXPECT_EQ(evaluate_rows, 1 + 4 + 4);  // mig, then unsupervised (4 keys) + linearity (4 keys)
    auto s = io::read_json(run + "/summary.json");
    ASSERT_TRUE(s.contains("evaluate"));
    EXPECT_EQ(s["evaluate"]["seed"].get<int64_t>(), 5);
    EXPECT_TRUE(s["evaluate"]["metrics"].contains("unsup.gauss_total_corr"));
    EXPECT_TRUE(s["final_metrics"].contains("mig.discrete_score"));  // the rest of the summary is kept

    r = run_eval({"evaluate", run, "--metrics", "nope"});
    EXPECT_EQ(r.code, 2);
}
