#pragma once
// One parameter table per component: the single source for defaults, types, ranges, validation,
// `--help`/`list` output and the generated config reference (docs/config.md).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace disent {

enum class ParamType { Int, Float, Bool, String, IntList, FloatList, StringList };

const char* param_type_name(ParamType t);

// A parameter value. `std::monostate` means "null" (only allowed for nullable parameters).
using Value = std::variant<std::monostate, int64_t, double, bool, std::string, std::vector<int64_t>,
                           std::vector<double>, std::vector<std::string>>;

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::Float;
    std::string default_text;  // default, written as YAML scalar text ("null" for none)
    std::string help;
    std::optional<double> min{};      // inclusive bounds for numbers (each element for lists)
    std::optional<double> max{};
    std::vector<std::string> choices{};  // allowed strings, also for each element of a StringList
    bool nullable = false;
};

using ParamTable = std::vector<ParamSpec>;

// A parameter without a default (a config must set it) is written as non-nullable with default "null".
inline bool is_required(const ParamSpec& p) { return !p.nullable && p.default_text == "null"; }

// Parse YAML scalar/flow text (e.g. "0.1", "[1, 2]", "true", "null") into a typed value, validating it.
// Throws UserError with `where` (e.g. "spec.yaml:12: key 'framework.beta'") prefixed to the message.
Value parse_value(const ParamSpec& spec, const std::string& text, const std::string& where);
// YAML text of a value (round-trips through parse_value).
std::string value_to_text(const Value& v);

// Resolved, validated parameters of one component (every key of its table present).
class Params {
public:
    Params() = default;
    void set(const std::string& key, Value v) { values_[key] = std::move(v); }
    bool has(const std::string& key) const { return values_.count(key) != 0; }
    bool is_null(const std::string& key) const;
    int64_t get_int(const std::string& key) const;
    double get_float(const std::string& key) const;  // also accepts ints
    bool get_bool(const std::string& key) const;
    const std::string& get_string(const std::string& key) const;
    std::vector<int64_t> get_int_list(const std::string& key) const;
    std::vector<double> get_float_list(const std::string& key) const;
    std::vector<std::string> get_string_list(const std::string& key) const;
    const std::map<std::string, Value>& values() const { return values_; }

private:
    const Value& at(const std::string& key) const;
    std::map<std::string, Value> values_;
};

// Defaults of a table, as Params (used by tests and by code that builds components directly).
Params defaults_of(const ParamTable& table);
// Defaults with some entries overridden by YAML text, validated (convenient in tests).
Params make_params(const ParamTable& table, const std::map<std::string, std::string>& overrides);

// Closest candidate by edit distance, or "" if nothing is reasonably close.
std::string nearest_name(const std::string& key, const std::vector<std::string>& candidates);

}  // namespace disent
