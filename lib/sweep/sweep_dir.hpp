#pragma once
// A sweep directory on disk, its record of the plan (sweep.json), per-run status, aggregation of the
// finished runs' summaries, and the SLURM array script. Torch-free.
//
//   <out>/sweep.json            the plan: sweep file, swept keys, runs (index, name, dir, overrides)
//   <out>/runs/0007_<name>/     one run directory each (config.yaml, summary.json, checkpoints/ ...)
//   <out>/logs/0007_<name>.log  the run's output (appended on every attempt); .exit: last exit code
//   <out>/slurm/                submit.sbatch, jobs.txt (submitted job ids), %A_%a.out task logs
//   <out>/aggregate/            runs.csv/.md, groups.csv/.md, <metric>.png
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sweep/sweep_spec.hpp"

namespace disent::sweep {

struct RecordedRun {
    int64_t index = 0;
    int repeat = 0;
    std::string name, dir;  // dir relative to the sweep directory
    std::vector<std::pair<std::string, std::string>> swept;
};

struct SweepRecord {
    std::string name, file, base;
    std::vector<std::string> keys;  // swept keys in plan order (seed last when it varies)
    std::vector<RecordedRun> runs;
};

SweepRecord make_record(const SweepSpec& spec, const std::vector<PlannedRun>& runs);
// Writes <root>/sweep.json atomically (creating <root>) unless it already holds the same plan.
void write_record(const std::string& root, const SweepRecord& rec);
// UserError when <root> is not a sweep directory.
SweepRecord read_record(const std::string& root);

std::string run_log_path(const std::string& root, const RecordedRun& run);
std::string run_exit_path(const std::string& root, const RecordedRun& run);

enum class RunState { Done, Running, Failed, Interrupted, Pending };
const char* state_name(RunState s);

struct RunStatus {
    RunState state = RunState::Pending;
    int64_t step = 0, steps = 0;  // from summary.json when present
    std::string detail;           // failed: the last error line of the run's log
};

// done: summary.json says finished; running: the run directory's lock is held; failed: the last
// attempt exited with a code other than 0 or 3; interrupted: it exited with 3 (checkpoint written,
// waiting for the requeue); pending: nothing yet.
RunStatus run_status(const std::string& root, const RecordedRun& run);

// Per-run table and counts ("done 3 / running 1 / failed 0 / interrupted 0 / pending 4").
std::string status_report(const std::string& root, const SweepRecord& rec, bool all_rows);

struct AggregateOptions {
    std::vector<std::string> by;  // group keys; empty: every swept key except seed
    std::string out_dir;          // default <root>/aggregate
};
struct AggregateResult {
    int rows = 0, groups = 0;
    std::vector<std::string> files;
    std::string summary_markdown;  // the grouped table (also in groups.md)
};
// One row per run that has a summary.json (any status), with its swept values, status, steps, final
// metrics (final.<key>) and best during-training metrics (best.<key>); a grouped table with
// n/min/Q1/median/Q3/max per metric; a PNG box plot per metric (best.* when present, else final.*).
AggregateResult aggregate(const std::string& root, const SweepRecord& rec, const AggregateOptions& opts);

// Quantile with linear interpolation (numpy's default) of sorted values.
double quantile(const std::vector<double>& sorted, double q);

struct ScriptOptions {
    std::string job_name;
    std::string binary;      // absolute path of disent-run
    std::string sweep_file;  // absolute
    std::string out;         // absolute sweep directory
    std::string workdir;     // absolute; the script cd's here
    int64_t tasks = 1;       // array size: ceil(runs / runs_per_task)
    int runs_per_task = 1;
    SlurmSettings slurm;
};
// The sbatch array script: forwards USR1/TERM to disent-run and requeues the task when it exits with 3.
std::string sbatch_script(const ScriptOptions& o);

}  // namespace disent::sweep
