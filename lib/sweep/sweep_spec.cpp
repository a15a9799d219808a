#include "sweep/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/spec.hpp"
#include "core/error.hpp"
#include "core/params.hpp"
#include "core/printable.hpp"

namespace disent::sweep {

namespace {

namespace fs = std::filesystem;

std::string where(const std::string& file, const YAML::Node& n) { return file + ":" + std::to_string(n.Mark().line + 1); }

std::string value_text(const YAML::Node& n) {
    if (n.IsNull()) return "null";
    if (n.IsScalar()) return n.Scalar();
    YAML::Emitter e;
    e << YAML::Flow << n;
    return e.c_str();
}

std::vector<std::string> value_list(const std::string& file, const std::string& key, const YAML::Node& n) {
    if (!n.IsSequence() || n.size() == 0)
        throw UserError(where(file, n) + ": '" + key + "' expects a non-empty list of values, e.g. [0.001, 0.01]");
    std::vector<std::string> out;
    for (const auto& v : n) out.push_back(value_text(v));
    return out;
}

int to_int(const std::string& file, const std::string& key, const YAML::Node& n, int lo) {
    long long v = 0;
    try {
        size_t pos = 0;
        v = std::stoll(n.Scalar(), &pos);
        if (pos != n.Scalar().size()) throw std::invalid_argument(n.Scalar());
    } catch (const std::exception&) {
        throw UserError(where(file, n) + ": '" + key + "' expects an integer, got '" + printable(value_text(n)) + "'");
    }
    if (v < lo) throw UserError(where(file, n) + ": '" + key + "' must be >= " + std::to_string(lo));
    // a larger value would wrap around in the int it is stored in
    if (v > INT_MAX) throw UserError(where(file, n) + ": '" + key + "' is " + n.Scalar() + "; expected at most " + std::to_string(INT_MAX));
    return static_cast<int>(v);
}

const std::vector<std::string> kTopKeys = {"name", "base", "out", "set", "grid", "zip", "repeats", "seeds", "slurm", "runs_per_task"};
const std::vector<std::string> kSlurmKeys = {"partition", "account", "qos", "time", "cpus", "gpus", "mem", "max_parallel", "extra"};

bool is_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_slurm_name(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    });
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == sep) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    return parts;
}

// sbatch's formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S (1 to 3 ':'-fields either way)
bool is_slurm_time(const std::string& t) {
    if (t == "INFINITE" || t == "UNLIMITED") return true;
    std::string clock = t;
    if (const auto dash = t.find('-'); dash != std::string::npos) {
        if (!is_digits(t.substr(0, dash))) return false;
        clock = t.substr(dash + 1);
    }
    const auto fields = split(clock, ':');
    return fields.size() <= 3 && std::all_of(fields.begin(), fields.end(), is_digits);
}

// Bytes sbatch's #SBATCH parser treats specially: it splits at whitespace, reads quotes and '\', and
// stops at an unquoted '#'.
bool is_directive_special(char c) {
    return c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\' || c == '#';
}

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// Options the script writes itself or that have their own key (the key to use instead).
const std::vector<std::pair<std::string, std::string>> kOwnedOptions = {
    {"job-name", "the sweep's name:"},   {"array", "the number of runs and slurm.max_parallel"},
    {"output", "the sweep's out:"},      {"open-mode", "the script"},
    {"signal", "the script"},            {"requeue", "the script"},
    {"no-requeue", "the script's --requeue"}, {"partition", "slurm.partition"},
    {"account", "slurm.account"},        {"qos", "slurm.qos"},
    {"time", "slurm.time"},              {"cpus-per-task", "slurm.cpus"},
    {"mem", "slurm.mem"},
};

std::string extra_problem(const std::string& entry) {
    const std::string opt = entry.rfind("#SBATCH ", 0) == 0 ? entry.substr(8) : entry;
    const std::string form = "one sbatch option per entry, --name or --name=value (optionally after \"#SBATCH \")";
    if (opt.size() < 3 || opt.compare(0, 2, "--") != 0) return form;
    const auto eq = opt.find('=');
    const std::string name = opt.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const bool name_ok = !name.empty() && name[0] != '-' && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!name_ok) return form + "; the name is [A-Za-z0-9][A-Za-z0-9-]*";
    if (eq != std::string::npos) {
        const std::string value = opt.substr(eq + 1);
        if (std::any_of(value.begin(), value.end(), is_control)) return form + ", without control characters";
        if (std::any_of(value.begin(), value.end(), is_directive_special))
            return form + ", the value without whitespace, quotes, '\\' or '#' (sbatch splits #SBATCH lines at whitespace, "
                          "reads quotes and '\\', and ends them at '#')";
    }
    for (const auto& [owned, instead] : kOwnedOptions)
        if (owned.compare(0, name.size(), name) == 0)
            return "an option other than --" + owned + (name == owned ? "" : " or an abbreviation of it") + ": it is set by " + instead;
    return "";
}

}  // namespace

std::string slurm_value_problem(const std::string& key, const std::string& value) {
    if (key == "extra") return extra_problem(value);
    if (value.empty()) return "";  // not set: the line is left out
    if (key == "partition") {
        const auto names = split(value, ',');
        return std::all_of(names.begin(), names.end(), is_slurm_name)
                   ? ""
                   : "a SLURM partition name [A-Za-z0-9._-] or a comma-separated list of them";
    }
    if (key == "account" || key == "qos") return is_slurm_name(value) ? "" : "a SLURM " + key + " name [A-Za-z0-9._-]";
    if (key == "time")
        return is_slurm_time(value) ? ""
                                    : "a SLURM time: minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S (digits), INFINITE or UNLIMITED";
    if (key == "mem") {
        const char last = value.back();
        const bool unit = std::string("KMGTkmgt").find(last) != std::string::npos;
        return is_digits(unit ? value.substr(0, value.size() - 1) : value) ? "" : "a size: digits with an optional unit K, M, G or T (e.g. 32G)";
    }
    return "a known slurm key (partition, account, qos, time, mem, extra)";
}

std::string script_path_problem(const std::string& path, bool in_sbatch_line) {
    if (std::any_of(path.begin(), path.end(), is_control)) return "a path without control characters";
    if (in_sbatch_line && (std::any_of(path.begin(), path.end(), is_directive_special) || path.find('%') != std::string::npos))
        return "a path without whitespace, quotes, '\\', '#' or '%' (it is written into '#SBATCH --output=', where sbatch "
               "splits at whitespace, reads quotes, '\\' and '#', and expands '%' patterns)";
    return "";
}

namespace {

std::string short_key(const std::string& key) {
    std::string k = key;
    if (k.size() > 5 && k.compare(k.size() - 5, 5, ".name") == 0) return k.substr(0, k.size() - 5);
    auto dot = k.rfind('.');
    return dot == std::string::npos ? k : k.substr(dot + 1);
}

}  // namespace

std::string PlannedRun::dir_name() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(index));
    return std::string(buf) + (name.empty() ? "" : "_" + name);
}

std::string sanitize_name(const std::string& text) {
    std::string s;
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '=' ||
                        c == '+' || c == '-' || c == '_';
        s += ok ? c : '-';
    }
    // no "..", no leading '.', no runs of '-'
    std::string t;
    for (char c : s) {
        if (c == '.' && !t.empty() && t.back() == '.') continue;
        if (c == '-' && !t.empty() && t.back() == '-') continue;
        t += c;
    }
    while (!t.empty() && (t.front() == '.' || t.front() == '-')) t.erase(t.begin());
    if (t.size() > 100) t.resize(100);
    while (!t.empty() && (t.back() == '.' || t.back() == '-')) t.pop_back();
    return t.empty() ? "run" : t;
}

std::string make_run_name(const std::vector<std::pair<std::string, std::string>>& swept) {
    std::string s;
    for (const auto& [k, v] : swept) s += (s.empty() ? "" : "_") + short_key(k) + "=" + v;
    return sanitize_name(s);
}

SweepSpec parse_sweep(const std::string& yaml_text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        throw UserError(file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
    if (!root.IsMap()) throw UserError(file + ": a sweep file is a mapping with base:, grid:, zip:, repeats:, ...");
    SweepSpec s;
    s.file = file;
    for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end()) {
            std::string hint = nearest_name(key, kTopKeys);
            throw UserError(where(file, kv.first) + ": key '" + key + "' is unknown in a sweep file" +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                            " (keys: name, base, out, set, grid, zip, repeats, seeds, slurm, runs_per_task)");
        }
    }
    if (!root["base"] || !root["base"].IsScalar()) throw UserError(file + ": 'base:' (the experiment spec to vary) is required");
    const fs::path dir = fs::path(file).parent_path();
    const std::string base = root["base"].Scalar();
    s.base = fs::path(base).is_absolute() ? base : (dir / base).lexically_normal().string();
    std::error_code ec;  // the throwing overload escapes as filesystem_error on e.g. over-long names (fuzz_sweep)
    if (!fs::exists(s.base, ec))
        throw UserError(where(file, root["base"]) + ": base spec '" + s.base + "' " +
                        (ec ? "cannot be opened (" + ec.message() + ")" : "does not exist"));
    s.name = root["name"] ? root["name"].Scalar() : fs::path(file).stem().string();
    if (sanitize_name(s.name) != s.name || s.name.empty())
        throw UserError(file + ": name '" + s.name + "' must be a plain file name ([A-Za-z0-9._=+-], no '/', no '..')");
    s.out = root["out"] ? root["out"].Scalar() : "sweeps/" + s.name;
    if (root["out"]) {
        s.out_where = where(file, root["out"]);
        if (!root["out"].IsScalar() || s.out.empty())
            throw UserError(s.out_where + ": 'out' expects a directory path, got '" + printable(value_text(root["out"])) + "'");
        if (const std::string why = script_path_problem(s.out, false); !why.empty())
            throw UserError(s.out_where + ": 'out' is '" + printable(s.out) + "'; expected " + why);
    }

    std::set<std::string> seen;
    auto claim = [&](const std::string& key, const YAML::Node& at) {
        if (!seen.insert(key).second) throw UserError(where(file, at) + ": key '" + key + "' is given twice (set/grid/zip)");
        if (key == "seed" && (root["repeats"] || root["seeds"]))
            throw UserError(where(file, at) + ": vary the seed with repeats:/seeds:, not as a key");
    };
    if (const auto set = root["set"]) {
        if (!set.IsMap()) throw UserError(where(file, set) + ": 'set:' expects a mapping key: value");
        for (const auto& kv : set) {
            claim(kv.first.Scalar(), kv.first);
            s.set.emplace_back(kv.first.Scalar(), value_text(kv.second));
        }
    }
    if (const auto grid = root["grid"]) {
        if (!grid.IsMap()) throw UserError(where(file, grid) + ": 'grid:' expects a mapping key: [values]");
        for (const auto& kv : grid) {
            const std::string key = kv.first.Scalar();
            claim(key, kv.first);
            Axis a;
            a.keys = {key};
            for (auto& v : value_list(file, key, kv.second)) a.values.push_back({v});
            s.grid.push_back(std::move(a));
        }
    }
    if (const auto zip = root["zip"]) {
        if (!zip.IsMap()) throw UserError(where(file, zip) + ": 'zip:' expects a mapping key: [values] of equal lengths");
        std::vector<std::vector<std::string>> cols;
        for (const auto& kv : zip) {
            const std::string key = kv.first.Scalar();
            claim(key, kv.first);
            cols.push_back(value_list(file, key, kv.second));
            if (cols.size() > 1 && cols.back().size() != cols.front().size())
                throw UserError(where(file, kv.second) + ": zip list '" + key + "' has " + std::to_string(cols.back().size()) +
                                " values but '" + s.zip.keys.front() + "' has " + std::to_string(cols.front().size()) +
                                "; zipped lists vary together and need equal lengths");
            s.zip.keys.push_back(key);
        }
        if (!cols.empty()) {
            s.zip.values.resize(cols.front().size());
            for (size_t i = 0; i < cols.front().size(); ++i)
                for (const auto& c : cols) s.zip.values[i].push_back(c[i]);
        }
    }
    if (root["seeds"]) {
        const auto n = root["seeds"];
        if (!n.IsSequence() || n.size() == 0) throw UserError(where(file, n) + ": 'seeds:' expects a non-empty list of integers");
        for (const auto& v : n) s.seeds.push_back(to_int(file, "seeds", v, 0));
        if (root["repeats"] && to_int(file, "repeats", root["repeats"], 1) != static_cast<int>(s.seeds.size()))
            throw UserError(where(file, root["repeats"]) + ": 'repeats:' disagrees with the length of 'seeds:'");
        s.repeats = static_cast<int>(s.seeds.size());
        s.seed_varies = true;
    } else if (root["repeats"]) {
        s.repeats = to_int(file, "repeats", root["repeats"], 1);
        s.seed_varies = s.repeats > 1;
    }
    if (root["runs_per_task"]) s.runs_per_task = to_int(file, "runs_per_task", root["runs_per_task"], 1);
    if (const auto sl = root["slurm"]) {
        if (!sl.IsMap()) throw UserError(where(file, sl) + ": 'slurm:' expects a mapping");
        // every string is checked against its grammar here, where its line is known
        auto text = [&](const std::string& key, const YAML::Node& v) {
            if (!v.IsScalar())
                throw UserError(where(file, v) + ": 'slurm." + key + "' expects a string, got '" + printable(value_text(v)) + "'");
            if (const std::string why = slurm_value_problem(key, v.Scalar()); !why.empty())
                throw UserError(where(file, v) + ": 'slurm." + key + "' is '" + printable(v.Scalar()) + "'; expected " + why);
            return v.Scalar();
        };
        for (const auto& kv : sl) {
            const std::string key = kv.first.Scalar();
            const YAML::Node& v = kv.second;
            if (key == "partition") s.slurm.partition = text(key, v);
            else if (key == "account") s.slurm.account = text(key, v);
            else if (key == "qos") s.slurm.qos = text(key, v);
            else if (key == "time") s.slurm.time = text(key, v);
            else if (key == "cpus") s.slurm.cpus = to_int(file, "slurm.cpus", v, 0);
            else if (key == "gpus") s.slurm.gpus = to_int(file, "slurm.gpus", v, 0);
            else if (key == "mem") s.slurm.mem = text(key, v);
            else if (key == "max_parallel") s.slurm.max_parallel = to_int(file, "slurm.max_parallel", v, 0);
            else if (key == "extra") {
                if (v.IsSequence())
                    for (const auto& e : v) s.slurm.extra.push_back(text(key, e));
                else
                    s.slurm.extra.push_back(text(key, v));
            } else {
                std::string hint = nearest_name(key, kSlurmKeys);
                throw UserError(where(file, kv.first) + ": key 'slurm." + printable(key) + "' is unknown" +
                                (hint.empty() ? "" : "; did you mean 'slurm." + hint + "'?") +
                                " (partition, account, qos, time, cpus, gpus, mem, max_parallel, extra)");
            }
        }
    }
    return s;
}

SweepSpec load_sweep(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError(path + ": cannot read the sweep file (missing file or no permission)");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_sweep(ss.str(), path);
}

std::vector<PlannedRun> plan_runs(const SweepSpec& spec, int64_t base_seed) {
    std::vector<const Axis*> axes;
    for (const auto& a : spec.grid) axes.push_back(&a);
    if (spec.zip.size() > 0) axes.push_back(&spec.zip);
    int64_t combos = 1;
    for (const Axis* a : axes) combos *= static_cast<int64_t>(a->size());
    std::vector<PlannedRun> runs;
    runs.reserve(static_cast<size_t>(combos * spec.repeats));
    std::vector<size_t> pos(axes.size(), 0);
    for (int64_t c = 0; c < combos; ++c) {
        // mixed radix: the last axis fastest
        int64_t rem = c;
        for (size_t i = axes.size(); i-- > 0;) {
            pos[i] = static_cast<size_t>(rem % static_cast<int64_t>(axes[i]->size()));
            rem /= static_cast<int64_t>(axes[i]->size());
        }
        for (int r = 0; r < spec.repeats; ++r) {
            PlannedRun run;
            run.index = static_cast<int64_t>(runs.size());
            run.repeat = r;
            for (size_t i = 0; i < axes.size(); ++i)
                for (size_t k = 0; k < axes[i]->keys.size(); ++k) run.swept.emplace_back(axes[i]->keys[k], axes[i]->values[pos[i]][k]);
            if (spec.seed_varies) {
                const int64_t seed = spec.seeds.empty() ? base_seed + r : spec.seeds[static_cast<size_t>(r)];
                run.swept.emplace_back("seed", std::to_string(seed));
            }
            run.name = make_run_name(run.swept);
            runs.push_back(std::move(run));
        }
    }
    return runs;
}

std::vector<std::string> run_overrides(const SweepSpec& spec, const PlannedRun& run) {
    std::vector<std::string> ov;
    for (const auto& [k, v] : spec.set) ov.push_back(k + "=" + v);
    for (const auto& [k, v] : run.swept) ov.push_back(k + "=" + v);
    return ov;
}

int64_t base_seed(const SweepSpec& spec, const config::Catalog& catalog) {
    // the base spec's seed: read it from the YAML (the base may name a dataset this build lacks)
    for (const auto& [k, v] : spec.set)
        if (k == "seed") return std::stoll(v);
    try {
        YAML::Node root = YAML::LoadFile(spec.base);
        if (root["seed"] && root["seed"].IsScalar()) return std::stoll(root["seed"].Scalar());
    } catch (const std::exception&) {
        // resolution below reports a bad base spec with its file and line
    }
    (void)catalog;
    return 0;
}

namespace {

// The dataset a run selects: its own override, else `set`, else the base spec's.
std::string run_dataset(const SweepSpec& spec, const PlannedRun& run) {
    std::string name;
    try {
        YAML::Node root = YAML::LoadFile(spec.base);
        if (root["dataset"] && root["dataset"]["name"]) name = root["dataset"]["name"].Scalar();
    } catch (const std::exception&) {
    }
    auto pick = [&](const std::vector<std::pair<std::string, std::string>>& kv) {
        for (const auto& [k, v] : kv)
            if (k == "dataset" || k == "dataset.name") name = v;
    };
    pick(spec.set);
    pick(run.swept);
    return name;
}

}  // namespace

std::vector<std::string> validate_runs(const SweepSpec& spec, const std::vector<PlannedRun>& runs,
                                       const config::Catalog& catalog, bool strict) {
    std::vector<std::string> notes;
    const auto known = catalog.names("dataset");
    for (const auto& run : runs) {
        try {
            config::resolve_file(spec.base, run_overrides(spec, run), catalog);
        } catch (const UserError& e) {
            const std::string ds = run_dataset(spec, run);
            if (!strict && !ds.empty() && std::find(known.begin(), known.end(), ds) == known.end()) {
                notes.push_back("run " + std::to_string(run.index) + ": dataset '" + ds +
                                "' is not registered in this build (prepare its data first); not validated");
                continue;
            }
            throw UserError(spec.file + ": run " + std::to_string(run.index) + " (" + run.name + "): " + e.what());
        }
    }
    return notes;
}

}  // namespace disent::sweep
