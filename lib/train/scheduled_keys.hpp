#pragma once
// The schedules of a run (spec §9), each bound to the framework key it drives and that key's configured
// value v0. Before every training step the trainer sets the key to schedule(step, v0).
#include <string>
#include <vector>

#include "config/spec.hpp"
#include "schedules/schedule.hpp"

namespace disent::train {

struct ScheduledKey {
    std::string key;    // "framework.beta" (the train.csv column is scheduled/<key>)
    std::string param;  // "beta": the framework parameter it sets
    double v0 = 0.0;    // the resolved config's value: every step starts from it, never from the last step's
    schedules::SchedulePtr schedule;

    double value(int64_t step) const { return schedule->value(step, v0); }
};

// The schedule a resolved entry describes (wrappers with their wrapped schedules).
schedules::SchedulePtr build_schedule(const config::ScheduleConfig& sc);
// Every `schedules:` entry of the config, in order, with v0 from the framework section.
std::vector<ScheduledKey> build_scheduled_keys(const config::ResolvedConfig& cfg);

}  // namespace disent::train
