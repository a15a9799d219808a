#include "config/spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/raw_config.hpp"
#include "config/schedules_spec.hpp"
#include "core/error.hpp"

namespace disent::config {

const std::vector<NamedSection>& named_sections() {
    static const std::vector<NamedSection> s = {
        {"dataset", "dataset", "xysquares"},  {"sampler", "sampler", "auto"},
        {"model", "model", "conv64"},         {"framework", "framework", "beta_vae"},
        {"optimizer", "optimizer", "adam"},
    };
    return s;
}

const ParamTable& top_level_table() {
    static const ParamTable t = {
        {"seed", ParamType::Int, "0", "seed of every random stream (sampling, initialisation, noise, metrics)", 0.0},
        {"device", ParamType::String, "auto", "auto (CUDA when present), cpu, cuda or cuda:N"},
        {"recon_loss", ParamType::String, "mse",
         "reconstruction loss: mse, mae, bce, bernoulli or <loss>_<kernel>[_l<w>_k<w>][_norm_<mode>]"},
    };
    return t;
}

const ParamTable& train_table() {
    static const ParamTable t = {
        {"steps", ParamType::Int, "115200", "number of optimiser steps", 1.0},
        {"batch_size", ParamType::Int, "256", "observations (or pairs/triplets) per step", 1.0},
        {"checkpoint_every", ParamType::Int, "1000", "steps between checkpoints (0: only at the end)", 0.0},
        {"log_every", ParamType::Int, "100", "steps between log lines and train.csv rows", 1.0},
        {"threads", ParamType::Int, "0", "threads of LibTorch's intra-op pool (0: $OMP_NUM_THREADS if set, else every CPU the process may use)", 0.0},
        {"blas_threads", ParamType::Int, "0",
         "threads of OpenBLAS's own pool (0: $OPENBLAS_NUM_THREADS if set, else 1: LibTorch's pool already parallelises)", 0.0},
        {"data_on_device", ParamType::String, "auto",
         "keep the whole dataset as uint8 on the training device (auto: on CUDA when it needs <= 16 GiB)", {}, {},
         {"auto", "true", "false"}},
        {"cuda_graph", ParamType::Bool, "true", "CUDA: capture the whole step once and replay it as a CUDA graph"},
        {"allow_tf32", ParamType::Bool, "true", "CUDA: allow TF32 tensor-core math in convolutions and matmuls"},
        {"bf16_autocast", ParamType::Bool, "false", "CUDA: run the forward pass under bf16 autocast"},
        {"nonfinite", ParamType::String, "stop",
         "a NaN/Inf loss term: stop (error naming the step and term; the last good checkpoint is kept) or skip "
         "(skip that step's update and count it; one host read per step)", {}, {}, {"stop", "skip"}},
    };
    return t;
}

const ParamTable& metrics_table() {
    static const ParamTable t = {
        {"during", ParamType::StringList, "[mig, dci]", "metrics run during training"},
        {"every", ParamType::Int, "2400", "steps between metric runs during training (0: never)", 0.0},
        {"during_preset", ParamType::String, "fast", "preset of metrics during training", {}, {}, {"fast", "full"}},
        {"final", ParamType::StringList, "[mig, dci]", "metrics run at the end of training"},
        {"final_preset", ParamType::String, "full", "preset of the final metrics", {}, {}, {"fast", "full"}},
    };
    return t;
}

namespace {

const std::vector<std::string> kFixedSections = {"train", "metrics"};

bool is_named_section(const std::string& s) {
    for (const auto& n : named_sections())
        if (s == n.section) return true;
    return false;
}
bool is_fixed_section(const std::string& s) {
    return std::find(kFixedSections.begin(), kFixedSections.end(), s) != kFixedSections.end();
}
bool is_top_key(const std::string& s) {
    for (const auto& p : top_level_table())
        if (p.name == s) return true;
    return false;
}
std::vector<std::string> all_top_names() {
    std::vector<std::string> v;
    for (const auto& n : named_sections()) v.push_back(n.section);
    for (const auto& s : kFixedSections) v.push_back(s);
    for (const auto& p : top_level_table()) v.push_back(p.name);
    v.push_back("schedules");
    return v;
}

std::string node_text(const YAML::Node& n) {
    if (n.IsNull()) return "null";
    if (n.IsScalar()) {
        // keep quoted strings as strings: yaml-cpp gives the tag "!" for quoted scalars
        if (n.Tag() == "!") return "'" + n.Scalar() + "'";
        return n.Scalar();
    }
    YAML::Emitter e;
    e << YAML::Flow << n;
    return e.c_str();
}

std::string where(const std::string& file, const YAML::Node& n) {
    return file + ":" + std::to_string(n.Mark().line + 1);
}

RawConfig parse_yaml_nodes(const std::string& text, const std::string& file);

// yaml-cpp reports conversion problems (e.g. a mapping used as a key) with its own exceptions: turn
// every one of them into a one-line UserError naming the file and line (found by fuzz_spec).
RawConfig parse_yaml(const std::string& text, const std::string& file) {
    try {
        return parse_yaml_nodes(text, file);
    } catch (const YAML::Exception& e) {
        throw UserError(file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
}

RawConfig parse_yaml_nodes(const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw UserError(file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
    RawConfig raw;
    if (root.IsNull()) return raw;
    if (!root.IsMap()) throw UserError(file + ": expected a mapping of sections at the top level");
    const auto names = all_top_names();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!it->first.IsScalar()) throw UserError(where(file, it->first) + ": keys must be plain names");
        const std::string key = it->first.as<std::string>();
        const YAML::Node val = it->second;  // a copy: it-> points into a temporary (ASan found the dangling reference)
        const std::string loc = where(file, it->first);
        if (is_named_section(key) || is_fixed_section(key)) {
            if (val.IsScalar() && is_named_section(key)) {
                raw[key + ".name"] = {val.Scalar(), loc};
                continue;
            }
            if (val.IsNull()) continue;
            if (!val.IsMap())
                throw UserError(loc + ": section '" + key + "' must be a mapping of key: value");
            for (auto jt = val.begin(); jt != val.end(); ++jt) {
                if (!jt->first.IsScalar()) throw UserError(where(file, jt->first) + ": keys must be plain names");
                const std::string sub = jt->first.as<std::string>();
                if (jt->second.IsMap())
                    throw UserError(where(file, jt->first) + ": key '" + key + "." + sub +
                                    "' has nested keys, expected a value");
                raw[key + "." + sub] = {node_text(jt->second), where(file, jt->first)};
            }
        } else if (key == "schedules") {
            parse_schedules(val, loc, NodeFns{[&](const YAML::Node& n) { return where(file, n); }, node_text}, raw);
        } else if (is_top_key(key)) {
            if (val.IsMap() || val.IsSequence())
                throw UserError(loc + ": key '" + key + "' expects a single value");
            raw[key] = {node_text(val), loc};
        } else {
            std::string hint = nearest_name(key, names);
            throw UserError(loc + ": key '" + key + "' is unknown" +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                            " (sections: dataset, sampler, model, framework, optimizer, train, metrics; keys: "
                            "seed, device, recon_loss; list: schedules)");
        }
    }
    return raw;
}

void apply_override(RawConfig& raw, const std::string& ov) {
    const std::string origin = "override '" + ov + "'";
    auto eq = ov.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UserError(origin + ": expected key.path=value");
    std::string key = ov.substr(0, eq);
    const std::string value = ov.substr(eq + 1);
    if (is_schedules_key(key)) return apply_schedules_override(raw, key, value, origin, node_text);
    if (is_named_section(key)) key += ".name";  // `framework=ada_vae` selects a component
    auto dot = key.find('.');
    const std::string head = key.substr(0, dot);
    if (dot == std::string::npos) {
        if (!is_top_key(head)) {
            std::string hint = nearest_name(head, all_top_names());
            throw UserError(origin + ": key '" + head + "' is unknown" +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
    } else {
        if (!is_named_section(head) && !is_fixed_section(head)) {
            std::string hint = nearest_name(head, all_top_names());
            throw UserError(origin + ": section '" + head + "' is unknown" +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        if (key.find('.', dot + 1) != std::string::npos)
            throw UserError(origin + ": key '" + key + "' is too deep, expected section.key");
    }
    raw[key] = {value, origin};
}

Params resolve_table(const ParamTable& table, const std::string& section, const std::string& component_desc,
                     RawConfig& raw, std::set<std::string>& used) {
    Params p;
    std::vector<std::string> known;
    for (const auto& spec : table) known.push_back(spec.name);
    // unknown keys of this section first: they are the likeliest typos
    const std::string prefix = section.empty() ? "" : section + ".";
    for (const auto& [key, rv] : raw) {
        if (section.empty() || key.rfind(prefix, 0) != 0) continue;
        const std::string sub = key.substr(prefix.size());
        if (sub == "name") continue;
        if (std::find(known.begin(), known.end(), sub) == known.end()) {
            std::string hint = nearest_name(sub, known);
            std::string avail;
            for (const auto& k : known) avail += (avail.empty() ? "" : ", ") + k;
            throw UserError(rv.origin + ": key '" + key + "' is unknown" + component_desc +
                            (hint.empty() ? "" : "; did you mean '" + prefix + hint + "'?") +
                            (avail.empty() ? " (it takes no parameters)" : " (known: " + avail + ")"));
        }
    }
    for (const auto& spec : table) {
        const std::string key = prefix + spec.name;
        auto it = raw.find(key);
        if (it != raw.end()) {
            used.insert(key);
            p.set(spec.name, parse_value(spec, it->second.text, it->second.origin + ": key '" + key + "'"));
        } else {
            p.set(spec.name, parse_value(spec, spec.default_text, "default of '" + key + "'"));
        }
    }
    return p;
}

ResolvedConfig resolve_raw(RawConfig raw, const std::string& source, const Catalog& catalog) {
    ResolvedConfig cfg;
    cfg.source = source;
    std::set<std::string> used;
    cfg.top = resolve_table(top_level_table(), "", "", raw, used);
    auto origin_of = [&](const std::string& key, const std::string& fallback) {
        auto it = raw.find(key);
        return it == raw.end() ? fallback : it->second.origin;
    };

    // device: auto | cpu | cuda | cuda:N
    {
        const std::string dev = cfg.top.get_string("device");
        static const std::regex re("^(auto|cpu|cuda|cuda:[0-9]+)$");
        if (!std::regex_match(dev, re))
            throw UserError(origin_of("device", source) + ": key 'device' has value '" + dev +
                            "', expected auto, cpu, cuda or cuda:N");
    }

    for (const auto& ns : named_sections()) {
        const std::string sec = ns.section;
        auto it = raw.find(sec + ".name");
        std::string name = it == raw.end() ? ns.default_name : it->second.text;
        if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"')) name = name.substr(1, name.size() - 2);
        if (sec == "sampler" && name == "auto") {
            cfg.sections[sec] = Section{"auto", Params{}};
            continue;
        }
        const ComponentInfo* info = catalog.find(ns.kind, name);
        if (!info) {
            std::string hint = nearest_name(name, catalog.names(ns.kind));
            std::string avail;
            for (const auto& n : catalog.names(ns.kind)) avail += (avail.empty() ? "" : ", ") + n;
            throw UserError(origin_of(sec + ".name", source) + ": key '" + sec + ".name' has value '" + name +
                            "', expected a registered " + ns.kind +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (one of: " + avail + ")");
        }
        cfg.sections[sec] = Section{name, resolve_table(info->params, sec, " for " + std::string(ns.kind) + " '" + name + "'", raw, used)};
    }
    cfg.sections["train"] = Section{"", resolve_table(train_table(), "train", "", raw, used)};
    ParamTable mt = metrics_table();
    for (auto& spec : mt)
        if (spec.type == ParamType::StringList) spec.choices = catalog.names("metric");
    cfg.sections["metrics"] = Section{"", resolve_table(mt, "metrics", "", raw, used)};

    // the sampler must give the framework the input mode it needs
    const ComponentInfo* fw = catalog.find("framework", cfg.component("framework"));
    const std::string need = fw && fw->traits.count("input_mode") ? fw->traits.at("input_mode") : "single";
    if (cfg.component("sampler") == "auto") {
        std::string def = fw && fw->traits.count("default_sampler") ? fw->traits.at("default_sampler") : "single";
        const ComponentInfo* si = catalog.find("sampler", def);
        if (!si) throw std::logic_error("default sampler '" + def + "' is not registered");
        cfg.sections["sampler"] = Section{def, resolve_table(si->params, "sampler", " for sampler '" + def + "'", raw, used)};
    }
    const ComponentInfo* sampler = catalog.find("sampler", cfg.component("sampler"));
    std::string gives = sampler && sampler->traits.count("input_mode") ? sampler->traits.at("input_mode") : "single";
    // marker of samplers whose tuple size is their num_samples parameter (random, gt_dist)
    const bool by_count = gives == "num_samples";
    if (by_count) {
        const int64_t n = cfg.section("sampler").get_int("num_samples");
        gives = n == 1 ? "single" : n == 2 ? "pair" : n == 3 ? "triplet" : "num_samples=" + std::to_string(n);
    }
    auto mode_ok = [](const std::string& need, const std::string& gives) {
        if (need == gives) return true;
        return need == "pair" && gives == "weak_pair";  // weak pairs are pairs
    };
    if (!mode_ok(need, gives)) {
        const std::string count = need == "single" ? "1" : need == "pair" ? "2" : need == "triplet" ? "3" : "";
        const std::string hint = by_count && !count.empty() ? " (or sampler.num_samples=" + count + ")" : "";
        const std::string where = origin_of("sampler.name", origin_of("framework.name", source));
        throw UserError((by_count ? origin_of("sampler.num_samples", where) : where) + ": framework '" +
                        cfg.component("framework") + "' needs input mode '" + need + "' but sampler '" +
                        cfg.component("sampler") + "' gives '" + gives + "'; use sampler.name=auto or a '" + need +
                        "' sampler" + hint);
    }

    if (catalog.check_recon_loss) {
        try {
            catalog.check_recon_loss(cfg.top.get_string("recon_loss"));
        } catch (const UserError& e) {
            throw UserError(origin_of("recon_loss", source) + ": key 'recon_loss': " + e.what());
        }
    }
    cfg.schedules = resolve_schedules(raw, cfg.component("framework"), catalog);
    return cfg;
}

}  // namespace

const Params& ResolvedConfig::section(const std::string& name) const {
    auto it = sections.find(name);
    if (it == sections.end()) throw std::logic_error("no config section '" + name + "'");
    return it->second.params;
}

const std::string& ResolvedConfig::component(const std::string& name) const {
    auto it = sections.find(name);
    if (it == sections.end()) throw std::logic_error("no config section '" + name + "'");
    return it->second.component;
}

std::string ResolvedConfig::to_yaml() const {
    std::ostringstream os;
    for (const auto& spec : top_level_table()) os << spec.name << ": " << value_to_text(top.values().at(spec.name)) << "\n";
    auto emit = [&](const std::string& sec) {
        const Section& s = sections.at(sec);
        os << sec << ":\n";
        if (!s.component.empty()) os << "  name: " << s.component << "\n";
        for (const auto& [k, v] : s.params.values()) os << "  " << k << ": " << value_to_text(v) << "\n";
    };
    for (const auto& ns : named_sections()) emit(ns.section);
    for (const auto& s : kFixedSections) emit(s);
    write_schedules_yaml(os, schedules);
    return os.str();
}

std::map<std::string, std::string> ResolvedConfig::flat() const {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : top.values()) out[k] = value_to_text(v);
    for (const auto& [sec, s] : sections) {
        if (!s.component.empty()) out[sec + ".name"] = s.component;
        for (const auto& [k, v] : s.params.values()) out[sec + "." + k] = value_to_text(v);
    }
    flatten_schedules(schedules, out);
    return out;
}

ResolvedConfig resolve_text(const std::string& yaml_text, const std::string& source_name,
                            const std::vector<std::string>& overrides, const Catalog& catalog) {
    RawConfig raw = parse_yaml(yaml_text, source_name);
    for (const auto& ov : overrides) apply_override(raw, ov);
    return resolve_raw(std::move(raw), source_name, catalog);
}

ResolvedConfig resolve_file(const std::string& path, const std::vector<std::string>& overrides,
                            const Catalog& catalog) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError(path + ": cannot read the experiment spec (missing file or no permission)");
    std::stringstream ss;
    ss << in.rdbuf();
    return resolve_text(ss.str(), path, overrides, catalog);
}

std::string config_reference_markdown(const Catalog& catalog) {
    std::ostringstream os;
    auto row = [&](const ParamSpec& p) {
        std::string range;
        if (!p.choices.empty()) {
            for (size_t i = 0; i < p.choices.size(); ++i) range += (i ? ", " : "") + p.choices[i];
        } else if (p.min && p.max) {
            std::ostringstream r;
            r << "[" << *p.min << ", " << *p.max << "]";
            range = r.str();
        } else if (p.min) {
            std::ostringstream r;
            r << ">= " << *p.min;
            range = r.str();
        } else if (p.max) {
            std::ostringstream r;
            r << "<= " << *p.max;
            range = r.str();
        }
        if (p.nullable) range += range.empty() ? "null allowed" : "; null allowed";
        const std::string def = is_required(p) ? "(required)" : "`" + p.default_text + "`";
        os << "| `" << p.name << "` | " << param_type_name(p.type) << " | " << def << " | " << range
           << " | " << p.help << " |\n";
    };
    auto table = [&](const ParamTable& t) {
        if (t.empty()) {
            os << "(no parameters)\n\n";
            return;
        }
        os << "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
        for (const auto& p : t) row(p);
        os << "\n";
    };
    os << "# Config reference\n\n"
       << "Generated by `disent-run config --reference` from the parameter tables in the code; do not edit by hand.\n"
       << "A spec is a YAML file with the sections below; any key can be overridden on the command line as\n"
       << "`section.key=value` (and `section=name` selects a component). Unknown keys, wrong types and\n"
       << "out-of-range values are errors that name the file and line.\n\n";
    os << "## Top-level keys\n\n";
    table(top_level_table());
    os << "## `train`\n\n";
    table(train_table());
    os << "## `metrics`\n\n";
    table(metrics_table());
    for (const auto& ns : named_sections()) {
        os << "## `" << ns.section << "` (default `" << ns.default_name << "`)\n\n";
        if (std::string(ns.section) == "sampler")
            os << "`name: auto` picks the sampler the framework expects (`default_sampler` below).\n\n";
        auto it = catalog.kinds.find(ns.kind);
        if (it == catalog.kinds.end()) continue;
        for (const auto& info : it->second) {
            os << "### " << ns.section << " `" << info.name << "`\n\n" << info.description << "\n\n";
            for (const auto& [k, v] : info.traits) os << "- " << k << ": `" << v << "`\n";
            if (!info.traits.empty()) os << "\n";
            table(info.params);
        }
    }
    if (catalog.kinds.count("schedule")) {
        os << "## `schedules` (spec §9)\n\n"
           << "A list of schedules, each driving one numeric (int or float) parameter of the `framework` section.\n"
           << "Before every training step the trainer sets the key to `schedule(step, v0)`, where `v0` is the value\n"
           << "the config resolves for that key (never the previous step's value). Most schedules output\n"
           << "`lerp(ratio, v0·r_start, v0·r_end)`; train.csv gets a column `scheduled/<key>`. One schedule per key;\n"
           << "a wrapper (`clip`) takes the schedule it wraps under `schedule:`. Overrides: `schedules.0.period=100`,\n"
           << "`schedules=[]` (none), `schedules=[{key: framework.beta, name: linear, start_step: 0, end_step: 1000}]`.\n\n"
           << "```yaml\nschedules:\n"
           << "  - {key: framework.beta, name: cyclic, period: 7200, start_step: 3600, r_start: 0.001, r_end: 1.0, mode: cosine}\n"
           << "```\n\n";
        for (const auto& info : catalog.kinds.at("schedule")) {
            os << "### schedule `" << info.name << "`\n\n" << info.description << "\n\n";
            if (info.traits.count("wraps")) os << "- wraps: the schedule under `" << info.traits.at("wraps") << ":`\n\n";
            table(info.params);
        }
    }
    if (catalog.kinds.count("metric")) {
        os << "## Metrics (names for `metrics.during` / `metrics.final`)\n\n";
        for (const auto& info : catalog.kinds.at("metric")) {
            os << "### metric `" << info.name << "`\n\n" << info.description << "\n\n";
            table(info.params);
        }
    }
    return os.str();
}

}  // namespace disent::config
