#include "config/schedules_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace disent::config {

namespace {

const std::string kPrefix = "schedules.";
// A wrapper inside a wrapper inside ...: deep enough for any real use, shallow enough for the fuzzer.
constexpr int kMaxDepth = 8;
const char* kExample = "{key: framework.beta, name: cyclic, period: 7200}";

// Canonical list index: digits without leading zeros (so "schedules.01" cannot alias "schedules.1").
bool parse_index(const std::string& seg, int64_t& out) {
    if (seg.empty() || seg.size() > 6 || (seg.size() > 1 && seg[0] == '0')) return false;
    if (!std::all_of(seg.begin(), seg.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return false;
    out = std::stoll(seg);
    return true;
}

void flatten_map(const YAML::Node& map, const std::string& prefix, const NodeFns& fns, RawConfig& raw, int depth) {
    if (map.size() == 0) throw UserError(fns.origin(map) + ": '" + prefix + "' is an empty map; expected e.g. " + kExample);
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it->first.IsScalar()) throw UserError(fns.origin(it->first) + ": keys must be plain names");
        const std::string sub = it->first.as<std::string>();
        const YAML::Node val = it->second;  // a copy: it-> points into a temporary
        const std::string key = prefix + "." + sub;
        const std::string loc = fns.origin(it->first);
        if (sub.empty() || sub.find('.') != std::string::npos)
            throw UserError(loc + ": key '" + key + "' is not a plain name");
        if (val.IsMap()) {
            if (depth >= kMaxDepth) throw UserError(loc + ": key '" + key + "' is nested too deeply");
            flatten_map(val, key, fns, raw, depth + 1);
        } else if (sub == "schedule" && val.IsScalar()) {
            raw[key + ".name"] = {fns.text(val), loc};  // `schedule: linear` names the wrapped schedule
        } else {
            raw[key] = {fns.text(val), loc};
        }
    }
}

std::string as_string(const RawValue& v, const std::string& where) {
    static const ParamSpec spec{"", ParamType::String, "", ""};
    return std::get<std::string>(parse_value(spec, v.text, where));
}

std::string join(const std::vector<std::string>& xs) {
    std::string s;
    for (const auto& x : xs) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// Keys under `prefix.` (the entry's own values and those of its wrapped schedules).
std::vector<std::pair<std::string, const RawValue*>> children(const RawConfig& raw, const std::string& prefix) {
    std::vector<std::pair<std::string, const RawValue*>> out;
    const std::string p = prefix + ".";
    for (auto it = raw.lower_bound(p); it != raw.end() && it->first.compare(0, p.size(), p) == 0; ++it)
        out.emplace_back(it->first, &it->second);
    return out;
}

ScheduleConfig resolve_one(const RawConfig& raw, const std::string& prefix, const std::string& drives,
                           const std::string& origin, const Catalog& catalog, int depth) {
    const bool top = depth == 0;
    const std::vector<std::string> names = catalog.names("schedule");
    auto name_it = raw.find(prefix + ".name");
    if (name_it == raw.end())
        throw UserError(origin + ": '" + prefix + "' (schedule of '" + drives + "') has no 'name'; expected one of: " +
                        join(names));
    ScheduleConfig sc;
    sc.name = as_string(name_it->second, name_it->second.origin + ": key '" + prefix + ".name'");
    const ComponentInfo* info = catalog.find("schedule", sc.name);
    if (!info) {
        const std::string hint = nearest_name(sc.name, names);
        throw UserError(name_it->second.origin + ": key '" + prefix + ".name' has value '" + sc.name + "' for '" + drives +
                        "', expected a registered schedule" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                        " (one of: " + join(names) + ")");
    }
    sc.inner_key = info->traits.count("wraps") ? info->traits.at("wraps") : "";
    const std::string what = " (schedule '" + sc.name + "' of '" + drives + "')";

    std::vector<std::string> known;
    for (const auto& p : info->params) known.push_back(p.name);
    if (!sc.inner_key.empty()) known.push_back(sc.inner_key);
    for (const auto& [key, rv] : children(raw, prefix)) {
        const std::string rest = key.substr(prefix.size() + 1);
        const std::string seg = rest.substr(0, rest.find('.'));
        const bool nested = seg.size() != rest.size();
        if (!nested && (seg == "name" || (top && seg == "key"))) continue;
        if (std::find(known.begin(), known.end(), seg) == known.end()) {
            const std::string hint = nearest_name(seg, known);
            throw UserError(rv->origin + ": key '" + prefix + "." + seg + "' is unknown for schedule '" + sc.name +
                            "' of '" + drives + "'" + (hint.empty() ? "" : "; did you mean '" + prefix + "." + hint + "'?") +
                            (known.empty() ? " (it takes no parameters)" : " (known: " + join(known) + ")"));
        }
        if (seg == sc.inner_key ? !nested : nested)
            throw UserError(rv->origin + ": key '" + prefix + "." + seg + "'" +
                            (nested ? " has nested keys, expected a value" : " must be a schedule map, e.g. {name: linear, "
                                                                             "start_step: 0, end_step: 1000}"));
    }
    for (const auto& spec : info->params) {
        const std::string key = prefix + "." + spec.name;
        auto it = raw.find(key);
        if (it != raw.end()) {
            sc.params.set(spec.name, parse_value(spec, it->second.text, it->second.origin + ": key '" + key + "'" + what));
        } else if (is_required(spec)) {
            throw UserError(origin + ": '" + prefix + "'" + what + " needs '" + key + "' (" + param_type_name(spec.type) +
                            ", no default)");
        } else {
            sc.params.set(spec.name, parse_value(spec, spec.default_text, "default of '" + key + "'"));
        }
    }
    if (!sc.inner_key.empty()) {
        const std::string inner = prefix + "." + sc.inner_key;
        const auto kids = children(raw, inner);
        if (kids.empty())
            throw UserError(origin + ": '" + prefix + "'" + what + " needs the schedule it wraps under '" + inner +
                            "', e.g. " + sc.inner_key + ": {name: linear, start_step: 0, end_step: 1000}");
        if (depth + 1 > kMaxDepth) throw UserError(kids.front().second->origin + ": '" + inner + "' is nested too deeply");
        auto in = raw.find(inner + ".name");
        sc.inner = std::make_shared<ScheduleConfig>(
            resolve_one(raw, inner, drives, in != raw.end() ? in->second.origin : kids.front().second->origin, catalog, depth + 1));
    }
    if (catalog.check_schedule) {
        try {
            catalog.check_schedule(sc.name, sc.params);
        } catch (const UserError& e) {
            throw UserError(origin + ": '" + prefix + "'" + what + ": " + e.what());
        }
    }
    return sc;
}

void write_schedule(std::ostream& os, const ScheduleConfig& sc, const std::string& indent) {
    os << "name: " << value_to_text(Value{sc.name}) << "\n";
    for (const auto& [k, v] : sc.params.values()) os << indent << k << ": " << value_to_text(v) << "\n";
    if (sc.inner) {
        os << indent << sc.inner_key << ":\n" << indent << "  ";
        write_schedule(os, *sc.inner, indent + "  ");
    }
}

void flatten_schedule(const ScheduleConfig& sc, const std::string& prefix, std::map<std::string, std::string>& out) {
    out[prefix + ".name"] = value_to_text(Value{sc.name});
    for (const auto& [k, v] : sc.params.values()) out[prefix + "." + k] = value_to_text(v);
    if (sc.inner) flatten_schedule(*sc.inner, prefix + "." + sc.inner_key, out);
}

}  // namespace

void parse_schedules(const YAML::Node& list, const std::string& list_origin, const NodeFns& fns, RawConfig& raw) {
    if (list.IsNull()) return;
    if (!list.IsSequence())
        throw UserError(list_origin + ": key 'schedules' must be a list of maps like " + std::string(kExample));
    int64_t i = 0;
    for (auto it = list.begin(); it != list.end(); ++it, ++i) {
        const YAML::Node item = *it;
        if (i >= 1000) throw UserError(fns.origin(item) + ": more than 1000 schedules");  // keeps indices short
        const std::string prefix = "schedules." + std::to_string(i);
        if (!item.IsMap())
            throw UserError(fns.origin(item) + ": '" + prefix + "' must be a map like " + std::string(kExample));
        flatten_map(item, prefix, fns, raw, 0);
    }
}

bool is_schedules_key(const std::string& key) { return key == "schedules" || key.rfind(kPrefix, 0) == 0; }

void apply_schedules_override(RawConfig& raw, const std::string& key, const std::string& value, const std::string& origin,
                              const std::function<std::string(const YAML::Node&)>& text) {
    if (key == "schedules") {
        YAML::Node list;
        try {
            list = YAML::Load(value);
            for (auto it = raw.lower_bound(kPrefix); it != raw.end() && it->first.rfind(kPrefix, 0) == 0;) it = raw.erase(it);
            parse_schedules(list, origin, NodeFns{[&](const YAML::Node&) { return origin; }, text}, raw);
        } catch (const YAML::Exception& e) {
            throw UserError(origin + ": invalid YAML: " + e.msg);
        }
        return;
    }
    std::vector<std::string> segs;
    for (size_t a = kPrefix.size();;) {
        const size_t b = key.find('.', a);
        segs.push_back(key.substr(a, b == std::string::npos ? std::string::npos : b - a));
        if (b == std::string::npos) break;
        a = b + 1;
    }
    int64_t index;
    const bool empty_seg = std::any_of(segs.begin(), segs.end(), [](const std::string& s) { return s.empty(); });
    if (segs.size() < 2 || empty_seg || !parse_index(segs[0], index))
        throw UserError(origin + ": key '" + key + "' is not schedules.<index>.<param> (e.g. schedules.0.period=100)");
    // `schedules.0.schedule=linear` selects the wrapped schedule, like `framework=ada_vae` selects a framework
    raw[segs.back() == "schedule" ? key + ".name" : key] = {value, origin};
}

std::vector<ScheduledKeyConfig> resolve_schedules(const RawConfig& raw, const std::string& framework,
                                                  const Catalog& catalog) {
    // entries by index, each with the origin of its first value
    std::map<int64_t, std::pair<std::string, std::string>> entries;  // index -> (first key, origin)
    for (auto it = raw.lower_bound(kPrefix); it != raw.end() && it->first.rfind(kPrefix, 0) == 0; ++it) {
        const std::string rest = it->first.substr(kPrefix.size());
        int64_t index;
        if (!parse_index(rest.substr(0, rest.find('.')), index))
            throw std::logic_error("malformed schedule key '" + it->first + "'");
        entries.emplace(index, std::make_pair(it->first, it->second.origin));
    }
    int64_t expect = 0;
    for (const auto& [index, first] : entries) {
        if (index != expect)
            throw UserError(first.second + ": key '" + first.first + "': schedules are numbered 0, 1, ... without gaps, "
                            "but there is no schedules." + std::to_string(expect));
        ++expect;
    }

    const ComponentInfo* fw = catalog.find("framework", framework);
    std::vector<std::string> numeric;
    if (fw)
        for (const auto& p : fw->params)
            if (p.type == ParamType::Int || p.type == ParamType::Float) numeric.push_back(p.name);
    const std::string numeric_list = numeric.empty() ? "it has none" : "numeric parameters of framework '" + framework +
                                                                           "': " + join(numeric);

    std::vector<ScheduledKeyConfig> out;
    std::map<std::string, std::string> seen;  // key -> "schedules.<i> (origin)"
    for (const auto& [index, first] : entries) {
        const std::string prefix = "schedules." + std::to_string(index);
        auto key_it = raw.find(prefix + ".key");
        auto name_it = raw.find(prefix + ".name");
        const std::string origin = key_it != raw.end()    ? key_it->second.origin
                                   : name_it != raw.end() ? name_it->second.origin
                                                          : first.second;
        if (key_it == raw.end())
            throw UserError(origin + ": '" + prefix + "' has no 'key' (the framework parameter it drives, e.g. key: "
                            "framework.beta)");
        const std::string kwhere = key_it->second.origin + ": key '" + prefix + ".key'";
        const std::string key = as_string(key_it->second, kwhere);
        if (key.rfind("framework.", 0) != 0 || key.size() == 10 || key.find('.', 10) != std::string::npos)
            throw UserError(kwhere + " is '" + key + "': schedules drive numeric (int or float) parameters of the "
                            "'framework' section only, written framework.<param> (" + numeric_list + ")");
        const std::string param = key.substr(10);
        const ParamSpec* spec = nullptr;
        if (fw)
            for (const auto& p : fw->params)
                if (p.name == param) spec = &p;
        if (!spec) {
            const std::string hint = nearest_name(param, numeric);
            throw UserError(kwhere + " is '" + key + "', which is not a parameter of framework '" + framework + "'" +
                            (hint.empty() ? "" : "; did you mean 'framework." + hint + "'?") + " (" + numeric_list + ")");
        }
        if (spec->type != ParamType::Int && spec->type != ParamType::Float)
            throw UserError(kwhere + " is '" + key + "', a " + param_type_name(spec->type) + " parameter; schedules drive "
                            "numeric (int or float) parameters only (" + numeric_list + ")");
        if (seen.count(key))
            throw UserError(kwhere + ": '" + key + "' already has a schedule (" + seen[key] + "); one schedule per key");
        seen[key] = prefix + " at " + key_it->second.origin;
        out.push_back({key, resolve_one(raw, prefix, key, origin, catalog, 0)});
    }
    return out;
}

void write_schedules_yaml(std::ostream& os, const std::vector<ScheduledKeyConfig>& schedules) {
    if (schedules.empty()) return;
    os << "schedules:\n";
    for (const auto& s : schedules) {
        os << "  - key: " << value_to_text(Value{s.key}) << "\n    ";
        write_schedule(os, s.schedule, "    ");
    }
}

void flatten_schedules(const std::vector<ScheduledKeyConfig>& schedules, std::map<std::string, std::string>& out) {
    for (size_t i = 0; i < schedules.size(); ++i) {
        const std::string prefix = "schedules." + std::to_string(i);
        out[prefix + ".key"] = value_to_text(Value{schedules[i].key});
        flatten_schedule(schedules[i].schedule, prefix, out);
    }
}

}  // namespace disent::config
