#include "sweep/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/spec.hpp"
#include "core/error.hpp"
#include "core/params.hpp"

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
    long v = 0;
    try {
        size_t pos = 0;
        v = std::stol(n.Scalar(), &pos);
        if (pos != n.Scalar().size()) throw std::invalid_argument(n.Scalar());
    } catch (const std::exception&) {
        throw UserError(where(file, n) + ": '" + key + "' expects an integer, got '" + value_text(n) + "'");
    }
    if (v < lo) throw UserError(where(file, n) + ": '" + key + "' must be >= " + std::to_string(lo));
    return static_cast<int>(v);
}

const std::vector<std::string> kTopKeys = {"name", "base", "out", "set", "grid", "zip", "repeats", "seeds", "slurm", "runs_per_task"};
const std::vector<std::string> kSlurmKeys = {"partition", "time", "cpus", "gpus", "mem", "max_parallel", "extra"};

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
        for (const auto& kv : sl) {
            const std::string key = kv.first.Scalar();
            const YAML::Node& v = kv.second;
            if (key == "partition") s.slurm.partition = v.Scalar();
            else if (key == "time") s.slurm.time = v.Scalar();
            else if (key == "cpus") s.slurm.cpus = to_int(file, "slurm.cpus", v, 0);
            else if (key == "gpus") s.slurm.gpus = to_int(file, "slurm.gpus", v, 0);
            else if (key == "mem") s.slurm.mem = v.Scalar();
            else if (key == "max_parallel") s.slurm.max_parallel = to_int(file, "slurm.max_parallel", v, 0);
            else if (key == "extra") {
                if (v.IsScalar()) s.slurm.extra.push_back(v.Scalar());
                else
                    for (const auto& e : v) s.slurm.extra.push_back(e.Scalar());
            } else {
                std::string hint = nearest_name(key, kSlurmKeys);
                throw UserError(where(file, kv.first) + ": key 'slurm." + key + "' is unknown" +
                                (hint.empty() ? "" : "; did you mean 'slurm." + hint + "'?") +
                                " (partition, time, cpus, gpus, mem, max_parallel, extra)");
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
