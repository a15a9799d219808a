#pragma once
// The resolved `schedules:` entries of a spec (spec §9): which framework key each one drives and the
// validated parameters of its schedule. Building the schedules themselves is lib/schedules' job.
#include <memory>
#include <string>

#include "core/params.hpp"

namespace disent::config {

struct ScheduleConfig {
    std::string name;  // registered schedule name
    Params params;
    // A wrapper's (clip's) wrapped schedule and the config key holding it ("schedule"); null otherwise.
    std::shared_ptr<const ScheduleConfig> inner;
    std::string inner_key;
};

struct ScheduledKeyConfig {
    std::string key;  // "framework.<numeric parameter>"
    ScheduleConfig schedule;
};

}  // namespace disent::config
