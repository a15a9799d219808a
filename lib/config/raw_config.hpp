#pragma once
// A spec before resolution: every value as YAML text with where it came from, keyed by its dotted path
// ("train.steps", "seed", "schedules.0.period"). Files and overrides both write into one RawConfig.
#include <map>
#include <string>

namespace disent::config {

struct RawValue {
    std::string text;
    std::string origin;  // "file.yaml:12" or "override 'a.b=c'"
};
using RawConfig = std::map<std::string, RawValue>;

}  // namespace disent::config
