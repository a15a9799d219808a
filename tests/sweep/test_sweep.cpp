// The sweep planner (torch-free code; the catalog comes from lib/train only to validate configs).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "core/error.hpp"
#include "io/csv_table.hpp"
#include "io/json_file.hpp"
#include "io/png.hpp"
#include "sweep/sweep_dir.hpp"
#include "sweep/sweep_spec.hpp"
#include "test_util.hpp"
#include "train/builtins.hpp"

namespace fs = std::filesystem;
using namespace disent;
using disent::testing::source_path;
using disent::testing::TempDir;

namespace {

std::vector<sweep::PlannedRun> plan_file(const std::string& rel) {
    auto spec = sweep::load_sweep(source_path(rel));
    return sweep::plan_runs(spec, sweep::base_seed(spec, train::build_catalog()));
}

std::string write_base(const TempDir& d) {
    std::ofstream(d / "base.yaml") << "seed: 10\ndevice: cpu\ndataset:\n  name: xysquares_minimal\nframework:\n  name: beta_vae\n"
                                      "  beta: 0.001\ntrain:\n  steps: 4\n  batch_size: 2\n";
    return d / "base.yaml";
}

std::string expect_error(const std::string& text, const TempDir& d) {
    std::ofstream(d / "s.yaml") << text;
    try {
        auto spec = sweep::load_sweep(d / "s.yaml");
        auto runs = sweep::plan_runs(spec, 0);
        sweep::validate_runs(spec, runs, train::build_catalog(), true);
    } catch (const UserError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return "";
}

}  // namespace

TEST(SweepPlan, PaperSweepsMatchTableA4) {
    EXPECT_EQ(plan_file("experiments/paper/fig6.yaml").size(), 160u);
    EXPECT_EQ(plan_file("experiments/paper/fig9.yaml").size(), 160u);
    EXPECT_EQ(plan_file("experiments/paper/fig11.yaml").size(), 40u);
    EXPECT_EQ(plan_file("experiments/paper/fig6_ci.yaml").size(), 4u);
    EXPECT_EQ(plan_file("experiments/paper/fig9_ci.yaml").size(), 4u);
    EXPECT_EQ(plan_file("experiments/paper/fig11_ci.yaml").size(), 4u);
}

TEST(SweepPlan, PaperSweepsResolveExceptUnpreparedDatasets) {
    auto catalog = train::build_catalog();
    for (const char* f : {"fig9", "fig11", "fig6_ci", "fig9_ci", "fig11_ci"}) {
        auto spec = sweep::load_sweep(source_path(std::string("experiments/paper/") + f + ".yaml"));
        auto runs = sweep::plan_runs(spec, 0);
        EXPECT_NO_THROW(sweep::validate_runs(spec, runs, catalog, true)) << f;
    }
    auto spec = sweep::load_sweep(source_path("experiments/paper/fig6.yaml"));
    auto runs = sweep::plan_runs(spec, 0);
    std::vector<std::string> notes;
    ASSERT_NO_THROW(notes = sweep::validate_runs(spec, runs, catalog, false));
    EXPECT_LE(notes.size(), 128u);  // 4 of 5 datasets need prepared data (0 once they are registered)
}

TEST(SweepPlan, StableOrderGridLastKeyFastestThenRepeats) {
    auto runs = plan_file("experiments/paper/fig11.yaml");
    // grid: framework x framework.beta x recon_loss, repeats 5 (seed = base seed 0 + repeat)
    auto ov = [&](size_t i) {
        std::string s;
        for (const auto& [k, v] : runs[i].swept) s += k + "=" + v + " ";
        return s;
    };
    EXPECT_EQ(ov(0), "framework=beta_vae framework.beta=0.0316 recon_loss=mse seed=0 ");
    EXPECT_EQ(ov(1), "framework=beta_vae framework.beta=0.0316 recon_loss=mse seed=1 ");
    EXPECT_EQ(ov(5), "framework=beta_vae framework.beta=0.0316 recon_loss=mse_box_r31_l1.0_k3969.0 seed=0 ");
    EXPECT_EQ(ov(10), "framework=beta_vae framework.beta=0.0001 recon_loss=mse seed=0 ");
    EXPECT_EQ(ov(39), "framework=ada_vae framework.beta=0.0001 recon_loss=mse_box_r31_l1.0_k3969.0 seed=4 ");
    EXPECT_EQ(runs[0].name, "framework=beta_vae_beta=0.0316_recon_loss=mse_seed=0");
    EXPECT_EQ(runs[7].dir_name(), "0007_framework=beta_vae_beta=0.0316_recon_loss=mse_box_r31_l1.0_k3969.0_seed=2");
    // planning twice gives the same table
    auto again = plan_file("experiments/paper/fig11.yaml");
    for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].name, again[i].name);
}

TEST(SweepPlan, ZipSeedsAndSet) {
    TempDir d;
    write_base(d);
    std::ofstream(d / "s.yaml") << "name: z\nbase: base.yaml\nset:\n  train.steps: 3\n"
                                   "grid:\n  framework: [beta_vae, ada_vae]\n"
                                   "zip:\n  dataset: [xysquares, xcolumns]\n  dataset.grid_spacing: [8, 4]\nseeds: [7, 9]\n";
    auto spec = sweep::load_sweep(d / "s.yaml");
    EXPECT_EQ(spec.out, "sweeps/z");
    auto runs = sweep::plan_runs(spec, 10);
    ASSERT_EQ(runs.size(), 8u);
    EXPECT_EQ(runs[2].swept, (std::vector<std::pair<std::string, std::string>>{
                                 {"framework", "beta_vae"}, {"dataset", "xcolumns"}, {"dataset.grid_spacing", "4"}, {"seed", "7"}}));
    EXPECT_EQ(runs[3].swept.back().second, "9");
    auto ov = sweep::run_overrides(spec, runs[0]);
    EXPECT_EQ(ov.front(), "train.steps=3");
    EXPECT_NO_THROW(sweep::validate_runs(spec, runs, train::build_catalog(), true));
    // repeats without seeds: base seed + repeat
    std::ofstream(d / "r.yaml") << "base: base.yaml\nrepeats: 3\n";
    auto r = sweep::load_sweep(d / "r.yaml");
    auto rr = sweep::plan_runs(r, sweep::base_seed(r, train::build_catalog()));
    ASSERT_EQ(rr.size(), 3u);
    EXPECT_EQ(rr[2].name, "seed=12");
}

TEST(SweepPlan, ErrorsNameTheFileAndRun) {
    TempDir d;
    write_base(d);
    std::string e = expect_error("base: base.yaml\ngrid:\n  framework.betta: [1, 2]\n", d);
    EXPECT_NE(e.find("s.yaml: run 0"), std::string::npos) << e;
    EXPECT_NE(e.find("framework.beta"), std::string::npos) << e;  // the resolver's hint
    e = expect_error("base: base.yaml\nzip:\n  framework.beta: [1, 2]\n  model.z_size: [3]\n", d);
    EXPECT_NE(e.find("equal lengths"), std::string::npos) << e;
    e = expect_error("base: base.yaml\ngridd:\n  a: [1]\n", d);
    EXPECT_NE(e.find("did you mean 'grid'"), std::string::npos) << e;
    e = expect_error("base: nothere.yaml\n", d);
    EXPECT_NE(e.find("does not exist"), std::string::npos) << e;
    e = expect_error("base: base.yaml\nname: ../x\n", d);
    EXPECT_NE(e.find("plain file name"), std::string::npos) << e;
    e = expect_error("base: base.yaml\ngrid:\n  framework.beta: []\n", d);
    EXPECT_NE(e.find("non-empty list"), std::string::npos) << e;
    e = expect_error("base: base.yaml\nrepeats: 0\n", d);
    EXPECT_NE(e.find(">= 1"), std::string::npos) << e;
    e = expect_error("base: base.yaml\nslurm:\n  partitions: x\n", d);
    EXPECT_NE(e.find("slurm.partition"), std::string::npos) << e;
}

TEST(SweepPlan, RunNamesCannotEscape) {
    EXPECT_EQ(sweep::sanitize_name("../../etc/passwd"), "etc-passwd");
    EXPECT_EQ(sweep::sanitize_name("a/b..c"), "a-b.c");
    EXPECT_EQ(sweep::sanitize_name(""), "run");
    EXPECT_EQ(sweep::sanitize_name(std::string(300, 'x')).size(), 100u);
    EXPECT_EQ(sweep::make_run_name({{"dataset.name", "a b"}, {"metrics.final", "[mig, dci]"}}), "dataset=a-b_final=-mig-dci");
}

TEST(SweepAggregate, QuantilesLikeNumpy) {
    std::vector<double> v{1, 2, 3, 4};
    EXPECT_DOUBLE_EQ(sweep::quantile(v, 0.25), 1.75);
    EXPECT_DOUBLE_EQ(sweep::quantile(v, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(sweep::quantile(v, 0.75), 3.25);
    EXPECT_DOUBLE_EQ(sweep::quantile({5}, 0.75), 5);
}

TEST(SweepAggregate, StatusAndTablesFromSummaries) {
    TempDir d;
    write_base(d);
    std::ofstream(d / "s.yaml") << "name: agg\nbase: base.yaml\ngrid:\n  framework: [beta_vae, ada_vae]\nrepeats: 3\n";
    auto spec = sweep::load_sweep(d / "s.yaml");
    auto rec = sweep::make_record(spec, sweep::plan_runs(spec, 0));
    const std::string root = d / "out";
    sweep::write_record(root, rec);
    EXPECT_NO_THROW(sweep::write_record(root, rec));  // same plan: fine
    auto back = sweep::read_record(root);
    ASSERT_EQ(back.runs.size(), 6u);
    EXPECT_EQ(back.keys, (std::vector<std::string>{"framework", "seed"}));
    // runs 0-3 finished with metrics, run 4 failed, run 5 pending
    for (int i = 0; i < 4; ++i) {
        fs::create_directories(root + "/" + back.runs[i].dir);
        nlohmann::json j;
        j["status"] = "finished";
        j["step"] = 4;
        j["steps"] = 4;
        j["final_metrics"] = {{"mig.discrete_score", 0.1 * i}};
        j["best_metrics"] = {{"mig.discrete_score", {{"value", 0.2 * i}, {"step", 2}}}};
        io::write_json_atomic(root + "/" + back.runs[i].dir + "/summary.json", j);
    }
    fs::create_directories(root + "/logs");
    std::ofstream(sweep::run_log_path(root, back.runs[4])) << "[run] x\nerror: dataset 'dsprites' needs its data\n[sweep] bye\n";
    std::ofstream(sweep::run_exit_path(root, back.runs[4])) << "2\n";
    const std::string st = sweep::status_report(root, back, false);
    EXPECT_NE(st.find("done 4 / running 0 / failed 1 / interrupted 0 / pending 1"), std::string::npos) << st;
    EXPECT_NE(st.find("last error: error: dataset 'dsprites' needs its data"), std::string::npos) << st;

    auto res = sweep::aggregate(root, back, {});
    EXPECT_EQ(res.rows, 4);
    EXPECT_EQ(res.groups, 2);
    auto runs = io::CsvTable::load(root + "/aggregate/runs.csv");
    ASSERT_EQ(runs.rows.size(), 4u);
    EXPECT_EQ(runs.rows[3][runs.column("framework")], "ada_vae");
    EXPECT_EQ(runs.rows[3][runs.column("best.mig.discrete_score")], "0.6000000000000001");
    auto groups = io::CsvTable::load(root + "/aggregate/groups.csv");
    // beta_vae: best values 0, 0.2, 0.4 -> median 0.2
    bool found = false;
    for (const auto& r : groups.rows)
        if (r[0] == "beta_vae" && r[1] == "best.mig.discrete_score") {
            found = true;
            EXPECT_EQ(r[2], "3");
            EXPECT_EQ(std::stod(r[groups.column("median")]), 0.2);
            EXPECT_EQ(std::stod(r[groups.column("max")]), 0.4);
        }
    EXPECT_TRUE(found);
    auto img = io::read_png(root + "/aggregate/best.mig.discrete_score.png");
    EXPECT_GT(img.width, 100);
    EXPECT_FALSE(fs::exists(root + "/aggregate/final.mig.discrete_score.png"));  // best.* plotted when present
    // --by seed groups by repeat; an unknown key is an error
    sweep::AggregateOptions by;
    by.by = {"seed"};
    EXPECT_EQ(sweep::aggregate(root, back, by).groups, 3);
    by.by = {"beta"};
    EXPECT_THROW(sweep::aggregate(root, back, by), UserError);
    // a changed plan in the same directory is refused
    auto other = rec;
    other.runs.pop_back();
    EXPECT_THROW(sweep::write_record(root, other), UserError);
}

namespace {

// Script options of sweep `name`, run from /w.
sweep::ScriptOptions script_options(const std::string& name) {
    sweep::ScriptOptions o;
    o.job_name = name;
    o.binary = "/opt/disent-run";
    o.sweep_file = "/w/" + name + ".yaml";
    o.out = "/w/sweeps/" + name;
    o.workdir = "/w";
    return o;
}

}  // namespace

TEST(SweepSlurm, ScriptHasArraySignalRequeue) {
    sweep::ScriptOptions o = script_options("fig9");
    o.tasks = 160;
    o.runs_per_task = 2;
    o.slurm.partition = "gpu";
    o.slurm.cpus = 8;
    o.slurm.gpus = 1;
    o.slurm.mem = "32G";
    o.slurm.max_parallel = 28;
    o.slurm.account = "proj_42";
    o.slurm.qos = "long";
    o.slurm.extra = {"--exclude=n1", "#SBATCH --constraint=a100"};
    const std::string s = sweep::sbatch_script(o);
    for (const char* line : {"#SBATCH --array=0-159%28\n", "#SBATCH --partition=gpu\n", "#SBATCH --time=24:00:00\n",
                             "#SBATCH --cpus-per-task=8\n", "#SBATCH --gres=gpu:1\n", "#SBATCH --mem=32G\n",
                             "#SBATCH --signal=B:USR1@90\n", "#SBATCH --requeue\n", "#SBATCH --output=/w/sweeps/fig9/slurm/%A_%a.out\n",
                             "#SBATCH --exclude=n1\n", "#SBATCH --constraint=a100\n", "#SBATCH --account=proj_42\n",
                             "#SBATCH --qos=long\n", "trap 'forward USR1' USR1", "trap 'forward TERM' TERM",
                             "scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"", "--runs-per-task 2",
                             "if [ \"$rc\" -eq 3 ]"})
        EXPECT_NE(s.find(line), std::string::npos) << line << "\n" << s;
}

// Each SLURM setting's grammar (docs/cli.md): valid values pass, everything else names what was expected.
TEST(SweepSlurm, ValuesAreCheckedAgainstTheirGrammar) {
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"partition", "gpu"}, {"partition", "gpu,gpu-long"}, {"partition", "a.b_c-1"}, {"partition", ""}, {"account", "proj_42"},
             {"qos", "normal"}, {"time", "90"}, {"time", "30:00"}, {"time", "04:00:00"}, {"time", "2-0"}, {"time", "2-04:00"},
             {"time", "2-04:00:00"}, {"time", "UNLIMITED"}, {"time", ""}, {"mem", "32G"}, {"mem", "16000"}, {"mem", "1t"},
             {"extra", "--exclude=n1"}, {"extra", "#SBATCH --constraint=a100"}, {"extra", "--exclusive"}, {"extra", "--mail-type=END,FAIL"},
             {"extra", "--mem-per-gpu=8G"}})
        EXPECT_EQ(sweep::slurm_value_problem(key, value), "") << key << "=" << value;
    for (const auto& [key, value, expected] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"partition", "gpu\ntouch /tmp/x\n#", "a SLURM partition name"},
             {"partition", "gpu; touch /tmp/w", "a SLURM partition name"},
             {"partition", "gpu,", "a SLURM partition name"},
             {"account", "a,b", "a SLURM account name"},
             {"qos", "long\n#SBATCH --x", "a SLURM qos name"},
             {"time", "01:00:00$(touch /tmp/z)", "a SLURM time"},
             {"time", "1:2:3:4", "a SLURM time"},
             {"time", "-5", "a SLURM time"},
             {"time", "1-", "a SLURM time"},
             {"mem", "16GB", "a size"},
             {"mem", "G", "a size"},
             {"extra", "--exclude=n1\ntouch /tmp/e\n#", "without control characters"},
             {"extra", "--comment=a b", "without whitespace"},
             {"extra", "--comment=run#1", "'#'"},
             {"extra", "--comment='x'", "quotes"},
             {"extra", "-p gpu", "one sbatch option per entry"},
             {"extra", "touch /tmp/x", "one sbatch option per entry"},
             {"extra", "#SBATCH  --x=1", "one sbatch option per entry"},
             {"extra", "--=1", "the name is"},
             {"extra", "--array=0-3", "other than --array"},
             {"extra", "--no-requeue", "other than --no-requeue"},
             {"extra", "--tim=1:00", "other than --time or an abbreviation of it"},
             {"extra", "--output=/tmp/o", "other than --output"}}) {
        const std::string why = sweep::slurm_value_problem(key, value);
        EXPECT_NE(why.find(expected), std::string::npos) << key << "=" << value << ": " << why;
    }
    EXPECT_EQ(sweep::script_path_problem("/w/sweeps/fig9", true), "");
    EXPECT_EQ(sweep::script_path_problem("/w/with space/it's", false), "");  // single-quoted on command lines
    EXPECT_NE(sweep::script_path_problem("/tmp/o\nmkdir /tmp/y\n#", false).find("control characters"), std::string::npos);
    for (const char* p : {"/w/with space", "/w/%j", "/w/a#b", "/w/it's", "/w/a\\b"})
        EXPECT_NE(sweep::script_path_problem(p, true).find("'#SBATCH --output='"), std::string::npos) << p;
}

// The hostile values of issue #17 in a sweep file: one line naming the file:line, the key and the value
// (control bytes shown escaped), and what was expected.
TEST(SweepSlurm, HostileSweepFileValuesAreRefusedWithFileLineKeyValue) {
    TempDir d;
    write_base(d);
    for (const auto& [yaml, expected] : std::vector<std::pair<std::string, std::string>>{
             {"slurm: {partition: \"gpu\\ntouch /tmp/x\\n#\"}\n", "s.yaml:2: 'slurm.partition' is 'gpu\\ntouch /tmp/x\\n#'; expected a SLURM partition name"},
             {"out: \"/tmp/o\\nmkdir /tmp/y\\n#\"\n", "s.yaml:2: 'out' is '/tmp/o\\nmkdir /tmp/y\\n#'; expected a path without control characters"},
             {"slurm:\n  extra:\n    - --exclude=n1\n    - \"--x=1\\ntouch /tmp/e\"\n", "s.yaml:5: 'slurm.extra' is '--x=1\\ntouch /tmp/e'; expected one sbatch option"},
             {"slurm: {time: \"01:00:00$(touch /tmp/z)\"}\n", "s.yaml:2: 'slurm.time' is '01:00:00$(touch /tmp/z)'; expected a SLURM time"},
             {"slurm: {partition: \"gpu; touch /tmp/w\"}\n", "s.yaml:2: 'slurm.partition' is 'gpu; touch /tmp/w'; expected a SLURM partition name"},
             {"slurm: {mem: [1, 2]}\n", "s.yaml:2: 'slurm.mem' expects a string, got '[1, 2]'"},
             {"slurm:\n  cpus: 4294967297\n", "s.yaml:3: 'slurm.cpus' is 4294967297; expected at most 2147483647"},
             {"slurm: {qos: \"a\\rb\"}\n", "s.yaml:2: 'slurm.qos' is 'a\\rb'; expected a SLURM qos name"}}) {
        const std::string e = expect_error("base: base.yaml\n" + yaml, d);
        EXPECT_NE(e.find(expected), std::string::npos) << e;
        EXPECT_EQ(e.find('\n'), std::string::npos) << e;
        EXPECT_EQ(e.rfind((d / "s.yaml"), 0), 0u) << e;
    }
}

// Values that reach sbatch_script without a sweep file (a caller that skipped the checks) are refused
// there too; the script written for valid values has every #SBATCH line before its first command.
TEST(SweepSlurm, ScriptGeneratorRefusesValuesOutsideTheirSlots) {
    sweep::ScriptOptions o = script_options("s");
    auto refused = [&](sweep::ScriptOptions bad, const std::string& expected) {
        try {
            sweep::sbatch_script(bad);
            ADD_FAILURE() << "no error; expected " << expected;
        } catch (const UserError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
    };
    auto bad = o;
    bad.slurm.partition = "gpu\ntouch /tmp/x\n#";
    refused(bad, "sbatch script: 'slurm.partition' is 'gpu\\ntouch /tmp/x\\n#'");
    bad = o;
    bad.out = "/tmp/o\nmkdir /tmp/y\n#";
    refused(bad, "sbatch script: the sweep directory '/tmp/o\\nmkdir /tmp/y\\n#' cannot go into the script");
    bad = o;
    bad.slurm.extra = {"--x=1\ntouch /tmp/e"};
    refused(bad, "'slurm.extra'");
    bad = o;
    bad.workdir = "/w\nrm -rf /";
    refused(bad, "the working directory '/w\\nrm -rf /'");
    bad = o;
    bad.job_name = "a\nb";
    refused(bad, "job name 'a\\nb'");

    o.slurm.partition = "gpu";
    o.slurm.extra = {"--exclude=n1"};
    const std::string s = sweep::sbatch_script(o);
    std::istringstream in(s);
    std::string line;
    bool command_seen = false;
    int directives = 0;
    while (std::getline(in, line)) {
        const bool directive = line.rfind("#SBATCH ", 0) == 0;
        if (directive) {
            EXPECT_FALSE(command_seen) << "an #SBATCH line after the first command: " << line;
            ++directives;
        }
        if (!line.empty() && line[0] != '#') command_seen = true;
    }
    EXPECT_EQ(directives, 9);  // job-name array partition time output open-mode signal requeue exclude
}
