#pragma once
// Sweep specs: a YAML file naming a base experiment spec and the keys to vary (grid product, zipped
// lists, repeats with distinct seeds), expanded into a stable, numbered list of runs. Torch-free.
//
// Run order (the run index is stable as long as the sweep file does not change):
//   grid keys in the order of the file, the last key varying fastest; then the zip group (its lists
//   advance together); then the repeats (fastest). index = ((g0 * |g1| + g1) ... ) * |zip| + z) * R + r.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/catalog.hpp"

namespace disent::sweep {

// Every string here is written into an #SBATCH line of the batch script, so each is checked against its
// grammar (slurm_value_problem) where it is read: a sweep file, a command-line option, and again by
// sbatch_script itself.
struct SlurmSettings {
    std::string partition;       // --partition (empty: the cluster default)
    std::string account;         // --account (empty: not set)
    std::string qos;             // --qos (empty: not set)
    std::string time = "24:00:00";  // --time (empty: the partition's default)
    int cpus = 0;                // --cpus-per-task (0: not set)
    int gpus = 0;                // --gres=gpu:N (0: not set)
    std::string mem;             // --mem (e.g. 16G; empty: not set)
    int max_parallel = 0;        // %N of --array (0: no cap)
    std::vector<std::string> extra;  // one sbatch option each (--name or --name=value), with or without "#SBATCH "
};

// The grammar of a SLURM setting written into an #SBATCH line: "" when `value` is valid for `key`, else
// what was expected (for a one-line error that names where the value came from). Nothing is rewritten.
//   partition        a SLURM name [A-Za-z0-9._-]+, or a comma-separated list of them
//   account, qos     a SLURM name [A-Za-z0-9._-]+
//   time             M, M:S, H:M:S, D-H, D-H:M or D-H:M:S (decimal digits), INFINITE or UNLIMITED
//   mem              decimal digits with an optional unit K, M, G or T (either case)
//   extra            one long sbatch option, --name or --name=value, optionally after "#SBATCH ": name
//                    [A-Za-z0-9][A-Za-z0-9-]*, value without whitespace, quotes, '\', '#' or control bytes
//                    (sbatch splits #SBATCH lines at whitespace, reads quotes and '\', and ends them at
//                    '#'); not an option the script sets itself or one with its own key (nor a prefix of
//                    one, which sbatch would accept as an abbreviation)
// The empty string is valid for partition, account, qos, time and mem: the line is left out.
std::string slurm_value_problem(const std::string& key, const std::string& value);

// A path written into the batch script: "" when it may go there, else what is wrong. No control bytes
// anywhere (every path on the script's command lines is single-quoted, and one line stays one line);
// in an #SBATCH line (the --output path) also none of the bytes sbatch's directive parser or its
// file-name patterns read specially: whitespace, ' " \ # %.
std::string script_path_problem(const std::string& path, bool in_sbatch_line);

// One varied key (grid) or one group of keys varied together (zip): values[i][k] is key k's i-th value.
struct Axis {
    std::vector<std::string> keys;
    std::vector<std::vector<std::string>> values;
    size_t size() const { return values.size(); }
};

struct SweepSpec {
    std::string file;          // the sweep file as given
    std::string name;
    std::string base;          // path of the base experiment spec (resolved relative to the sweep file)
    std::string out;           // sweep directory (default sweeps/<name>, relative to the current directory)
    std::string out_where;     // "<file>:<line>" of out: (empty when defaulted), for errors about it
    std::vector<std::pair<std::string, std::string>> set;  // fixed overrides applied to every run
    std::vector<Axis> grid;    // one axis per grid key, file order
    Axis zip;                  // empty when there is no zip group
    int repeats = 1;
    std::vector<int64_t> seeds;  // explicit seeds (then repeats = seeds.size())
    bool seed_varies = false;    // repeats > 1 or seeds given: the seed is a swept key
    SlurmSettings slurm;
    int runs_per_task = 1;
};

struct PlannedRun {
    int64_t index = 0;
    int repeat = 0;
    std::string name;  // sanitised, derived from the swept overrides
    std::vector<std::pair<std::string, std::string>> swept;  // key -> value (grid, zip, then seed)
    std::string dir_name() const;  // "0007_<name>": unique within the sweep
};

// Parses and checks the sweep file (structure only: keys, list lengths, repeats). UserError naming the
// file and line on bad input.
SweepSpec load_sweep(const std::string& path);
SweepSpec parse_sweep(const std::string& yaml_text, const std::string& file);

// Expands the sweep. `base_seed` is the base spec's resolved seed (seed = base_seed + repeat).
std::vector<PlannedRun> plan_runs(const SweepSpec& spec, int64_t base_seed);

// The overrides given to the config resolver for a run: `set` first, then the swept keys.
std::vector<std::string> run_overrides(const SweepSpec& spec, const PlannedRun& run);

// A file-name-safe run name: key=value pairs joined by '_' (sections' `.name` dropped, other keys by
// their last component); characters other than [A-Za-z0-9.=+-] become '-', no "..", at most 100 chars.
std::string sanitize_name(const std::string& text);
std::string make_run_name(const std::vector<std::pair<std::string, std::string>>& swept);

// The base spec's seed (resolves the base spec with the `set` overrides).
int64_t base_seed(const SweepSpec& spec, const config::Catalog& catalog);

// Resolves every run's config. strict: the first error throws UserError("<sweep file>: run <i> (<name>):
// <error>"). Not strict (for `plan`): runs whose dataset is not registered in this build are skipped and
// returned as notes (their data is prepared separately); other errors still throw.
std::vector<std::string> validate_runs(const SweepSpec& spec, const std::vector<PlannedRun>& runs,
                                       const config::Catalog& catalog, bool strict);

}  // namespace disent::sweep
