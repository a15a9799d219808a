#pragma once
// The `schedules:` list of a spec (spec §9): parsing into RawConfig entries `schedules.<i>.<param>`
// (a wrapper's schedule under `schedules.<i>.schedule.<param>`), command-line overrides, resolution
// against the catalog's schedule tables, and writing the result back (to_yaml, flat).
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/raw_config.hpp"
#include "config/schedule_config.hpp"

namespace YAML {
class Node;
}

namespace disent::config {

// How the spec parser names a node's position and turns a scalar into parse_value text.
struct NodeFns {
    std::function<std::string(const YAML::Node&)> origin;
    std::function<std::string(const YAML::Node&)> text;
};

// `schedules:` (a list of maps, or null) → raw entries. `list_origin` is where the list itself is.
void parse_schedules(const YAML::Node& list, const std::string& list_origin, const NodeFns& fns, RawConfig& raw);

bool is_schedules_key(const std::string& key);  // "schedules" or "schedules.<...>"
// `schedules=[{key: ..., name: ...}, ...]` replaces the list (`schedules=[]` clears it);
// `schedules.<i>.<param>=value` sets one value (a new index adds an entry; resolution rejects gaps).
// `text` is the spec parser's node → parse_value text conversion.
void apply_schedules_override(RawConfig& raw, const std::string& key, const std::string& value, const std::string& origin,
                              const std::function<std::string(const YAML::Node&)>& text);

// Validates every entry: the key is a numeric parameter of `framework`, at most one schedule per key,
// registered schedule names and their parameters. Errors name the file:line (or override) and the key.
std::vector<ScheduledKeyConfig> resolve_schedules(const RawConfig& raw, const std::string& framework,
                                                  const Catalog& catalog);

// YAML text of the list (nothing when empty) that parse_schedules reads back to the same entries.
void write_schedules_yaml(std::ostream& os, const std::vector<ScheduledKeyConfig>& schedules);
// "schedules.<i>.key", "schedules.<i>.name", "schedules.<i>.<param>", "schedules.<i>.schedule.<param>" → text.
void flatten_schedules(const std::vector<ScheduledKeyConfig>& schedules, std::map<std::string, std::string>& out);

}  // namespace disent::config
