#include "core/params.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace disent {

const char* param_type_name(ParamType t) {
    switch (t) {
        case ParamType::Int: return "int";
        case ParamType::Float: return "float";
        case ParamType::Bool: return "bool";
        case ParamType::String: return "string";
        case ParamType::IntList: return "list of int";
        case ParamType::FloatList: return "list of float";
        case ParamType::StringList: return "list of string";
    }
    return "?";
}

namespace {

std::string describe_expected(const ParamSpec& s) {
    std::ostringstream os;
    os << param_type_name(s.type);
    if (!s.choices.empty()) {
        os << " (one of ";
        for (size_t i = 0; i < s.choices.size(); ++i) os << (i ? ", " : "") << s.choices[i];
        os << ")";
    }
    if (s.min && s.max) os << " in [" << *s.min << ", " << *s.max << "]";
    else if (s.min) os << " >= " << *s.min;
    else if (s.max) os << " <= " << *s.max;
    if (s.nullable) os << " or null";
    return os.str();
}

[[noreturn]] void fail(const ParamSpec& s, const std::string& text, const std::string& where) {
    throw UserError(where + ": value '" + text + "' is invalid, expected " + describe_expected(s));
}

bool parse_int(const std::string& t, int64_t& out) {
    if (t.empty()) return false;
    size_t pos = 0;
    try {
        long long v = std::stoll(t, &pos, 10);
        if (pos != t.size()) return false;
        out = v;
        return true;
    } catch (...) {
        return false;
    }
}

bool parse_float(const std::string& t, double& out) {
    if (t.empty()) return false;
    size_t pos = 0;
    try {
        double v = std::stod(t, &pos);
        if (pos != t.size() || !std::isfinite(v)) return false;
        out = v;
        return true;
    } catch (...) {
        return false;
    }
}

void check_range(const ParamSpec& s, double v, const std::string& text, const std::string& where) {
    if ((s.min && v < *s.min) || (s.max && v > *s.max)) fail(s, text, where);
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

}  // namespace

Value parse_value(const ParamSpec& s, const std::string& raw, const std::string& where) {
    const std::string text = trim(raw);
    if (text == "null" || text == "~" || text == "None" || text.empty()) {
        if (s.nullable) return std::monostate{};
        if (!(s.type == ParamType::String && text.empty() && s.choices.empty())) fail(s, raw, where);
    }
    switch (s.type) {
        case ParamType::Int: {
            int64_t v;
            double d;
            if (!parse_int(text, v)) {
                // accept 1e3-style integers that are exact
                if (!parse_float(text, d) || d != std::floor(d) || std::fabs(d) > 9e15) fail(s, raw, where);
                v = static_cast<int64_t>(d);
            }
            check_range(s, static_cast<double>(v), raw, where);
            return v;
        }
        case ParamType::Float: {
            double v;
            if (!parse_float(text, v)) fail(s, raw, where);
            check_range(s, v, raw, where);
            return v;
        }
        case ParamType::Bool: {
            if (text == "true" || text == "True" || text == "TRUE" || text == "yes") return true;
            if (text == "false" || text == "False" || text == "FALSE" || text == "no") return false;
            fail(s, raw, where);
        }
        case ParamType::String: {
            std::string v = text;
            if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
                v = v.substr(1, v.size() - 2);
            if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end()) {
                std::string hint = nearest_name(v, s.choices);
                throw UserError(where + ": value '" + v + "' is invalid, expected " + describe_expected(s) +
                                (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            }
            return v;
        }
        case ParamType::IntList:
        case ParamType::FloatList:
        case ParamType::StringList: {
            YAML::Node node;
            try {
                node = YAML::Load(text);
            } catch (const YAML::Exception&) {
                fail(s, raw, where);
            }
            std::vector<std::string> items;
            if (node.IsSequence()) {
                for (const auto& it : node) {
                    if (!it.IsScalar()) fail(s, raw, where);
                    items.push_back(it.Scalar());
                }
            } else if (node.IsScalar()) {
                items.push_back(node.Scalar());
            } else {
                fail(s, raw, where);
            }
            if (s.type == ParamType::StringList) {
                if (node.IsScalar() && text.front() != '[') fail(s, raw, where);  // lists are written [a, b]
                for (const auto& i : items) {
                    if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), i) == s.choices.end()) {
                        std::string hint = nearest_name(i, s.choices);
                        throw UserError(where + ": list item '" + i + "' is invalid, expected one of the names " +
                                        describe_expected(s) + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
                    }
                }
                return items;
            }
            if (s.type == ParamType::IntList) {
                std::vector<int64_t> out;
                for (const auto& i : items) {
                    int64_t v;
                    if (!parse_int(i, v)) fail(s, raw, where);
                    check_range(s, static_cast<double>(v), raw, where);
                    out.push_back(v);
                }
                return out;
            }
            std::vector<double> out;
            for (const auto& i : items) {
                double v;
                if (!parse_float(i, v)) fail(s, raw, where);
                check_range(s, v, raw, where);
                out.push_back(v);
            }
            return out;
        }
    }
    fail(s, raw, where);
}

std::string value_to_text(const Value& v) {
    struct Visitor {
        std::string operator()(std::monostate) const { return "null"; }
        std::string operator()(int64_t x) const { return std::to_string(x); }
        std::string operator()(double x) const {
            std::ostringstream os;
            os.precision(17);
            os << x;
            std::string s = os.str();
            // keep it a float on re-read, and short where exact
            for (int p = 6; p <= 17; ++p) {
                std::ostringstream o2;
                o2.precision(p);
                o2 << x;
                if (std::stod(o2.str()) == x) {
                    s = o2.str();
                    break;
                }
            }
            if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
            return s;
        }
        std::string operator()(bool x) const { return x ? "true" : "false"; }
        std::string operator()(const std::string& x) const {
            // A plain scalar only when YAML reads it back as this same string; otherwise double-quoted
            // with escapes, so every string (quotes, control bytes, spaces at the ends) round-trips.
            static const char* const kReserved[] = {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false",
                                                    "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
                                                    "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"};
            bool plain = !x.empty() && x.front() != '-' && x.front() != '.';
            for (const char* r : kReserved) plain = plain && x != r;
            for (unsigned char c : x) plain = plain && (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/');
            double d;
            if (plain && !parse_float(x, d)) return x;
            std::string q = "\"";
            for (unsigned char c : x) {
                if (c == '"' || c == '\\') {
                    q += '\\';
                    q += static_cast<char>(c);
                } else if (c < 0x20 || c == 0x7f) {
                    static const char* hex = "0123456789abcdef";
                    q += "\\x";
                    q += hex[c >> 4];
                    q += hex[c & 15];
                } else {
                    q += static_cast<char>(c);
                }
            }
            return q + "\"";
        }
        std::string operator()(const std::vector<int64_t>& xs) const {
            std::string s = "[";
            for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + std::to_string(xs[i]);
            return s + "]";
        }
        std::string operator()(const std::vector<std::string>& xs) const {
            std::string s = "[";
            for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + (*this)(xs[i]);
            return s + "]";
        }
        std::string operator()(const std::vector<double>& xs) const {
            std::string s = "[";
            for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + (*this)(xs[i]);
            return s + "]";
        }
    };
    return std::visit(Visitor{}, v);
}

const Value& Params::at(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw std::logic_error("parameter '" + key + "' is not in the table");
    return it->second;
}

bool Params::is_null(const std::string& key) const { return std::holds_alternative<std::monostate>(at(key)); }

int64_t Params::get_int(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<int64_t>(&v)) return *p;
    throw std::logic_error("parameter '" + key + "' is not an int");
}

double Params::get_float(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<double>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
    throw std::logic_error("parameter '" + key + "' is not a float");
}

bool Params::get_bool(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<bool>(&v)) return *p;
    throw std::logic_error("parameter '" + key + "' is not a bool");
}

const std::string& Params::get_string(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<std::string>(&v)) return *p;
    throw std::logic_error("parameter '" + key + "' is not a string");
}

std::vector<int64_t> Params::get_int_list(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<std::vector<int64_t>>(&v)) return *p;
    throw std::logic_error("parameter '" + key + "' is not an int list");
}

std::vector<double> Params::get_float_list(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<std::vector<double>>(&v)) return *p;
    throw std::logic_error("parameter '" + key + "' is not a float list");
}

std::vector<std::string> Params::get_string_list(const std::string& key) const {
    const Value& v = at(key);
    if (auto p = std::get_if<std::vector<std::string>>(&v)) return *p;
    throw std::logic_error("parameter '" + key + "' is not a string list");
}

Params defaults_of(const ParamTable& table) { return make_params(table, {}); }

Params make_params(const ParamTable& table, const std::map<std::string, std::string>& overrides) {
    Params p;
    for (const auto& spec : table) {
        auto it = overrides.find(spec.name);
        const std::string& text = it == overrides.end() ? spec.default_text : it->second;
        p.set(spec.name, parse_value(spec, text, "parameter '" + spec.name + "'"));
    }
    for (const auto& kv : overrides) {
        const std::string& k = kv.first;  // (clang 14 cannot capture structured bindings)
        bool known = std::any_of(table.begin(), table.end(), [&](const ParamSpec& s) { return s.name == k; });
        if (!known) throw UserError("parameter '" + k + "' is unknown");
    }
    return p;
}

std::string nearest_name(const std::string& key, const std::vector<std::string>& candidates) {
    auto dist = [](const std::string& a, const std::string& b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j)
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::string best;
    size_t best_d = static_cast<size_t>(-1);
    for (const auto& c : candidates) {
        size_t d = dist(key, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    // reasonably close: at most a third of the longer name (and at least 2 edits allowed)
    size_t limit = std::max<size_t>(2, std::max(key.size(), best.size()) / 3);
    return best_d <= limit ? best : "";
}

}  // namespace disent
