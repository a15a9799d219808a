#pragma once
// Schedules (spec §9): a value of the framework config that changes with the training step. Before
// every training step the trainer sets the key to `schedule.value(step, v0)`, where v0 is the value
// in the resolved config (always the captured initial value, never the previous step's result).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/params.hpp"
#include "core/registry.hpp"

namespace disent::schedules {

class Schedule {
public:
    virtual ~Schedule() = default;
    // The scheduled value at training step `step` (0-based: steps done before this one) from v0.
    virtual double value(int64_t step, double v0) const = 0;
    double operator()(int64_t step, double v0) const { return value(step, v0); }
};

using SchedulePtr = std::shared_ptr<const Schedule>;

// Builds a schedule from its validated parameters; `inner` is the wrapped schedule of a wrapper
// (ComponentInfo trait "wraps": the config key holding it), null for every other schedule.
// Throws UserError for combinations a single parameter cannot express (end_step <= start_step, ...).
using ScheduleFactory = std::function<SchedulePtr(const Params& params, SchedulePtr inner)>;

Registry<ScheduleFactory>& schedule_registry();
// Registers noop, linear, cyclic, single, cosine_wave and clip (idempotent).
void register_all();

// A registered schedule by name (wrappers need `inner`).
SchedulePtr make_schedule(const std::string& name, const Params& params, SchedulePtr inner = nullptr);
// Throws the UserError make_schedule would throw for these parameters (wrappers get a placeholder inner).
void check_schedule(const std::string& name, const Params& params);

}  // namespace disent::schedules
