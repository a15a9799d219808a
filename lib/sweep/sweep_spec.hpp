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

struct SlurmSettings {
    std::string partition;       // empty: the cluster default
    std::string time = "24:00:00";
    int cpus = 0;                // --cpus-per-task (0: not set)
    int gpus = 0;                // --gres=gpu:N (0: not set)
    std::string mem;             // --mem (e.g. 16G; empty: not set)
    int max_parallel = 0;        // %N of --array (0: no cap)
    std::vector<std::string> extra;  // extra lines, with or without the leading "#SBATCH "
};

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
