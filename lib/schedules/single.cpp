#include "schedules/single.hpp"

#include "core/error.hpp"

namespace disent::schedules {

CyclicOptions single_options(int64_t start_step, int64_t end_step, double r_start, double r_end, RampMode mode) {
    if (start_step < 0) throw UserError("single: start_step is " + std::to_string(start_step) + ", expected >= 0");
    if (end_step <= start_step)
        throw UserError("single: end_step (" + std::to_string(end_step) + ") must be greater than start_step (" +
                        std::to_string(start_step) + ")");
    CyclicOptions o;
    o.period = end_step - start_step;
    o.start_step = start_step;
    o.repeats = 1;
    o.r_start = r_start;
    o.r_end = r_end;
    o.end_mode = EndMode::End;
    o.mode = mode;
    return o;
}

ParamTable single_params() {
    return {
        {"start_step", ParamType::Int, "null", "step where the ramp starts; before it the value is v0·r_start", 0.0},
        {"end_step", ParamType::Int, "null", "step where the ramp ends, > start_step; after it v0·r_end", 1.0},
        {"r_start", ParamType::Float, "0.0", "multiple of v0 up to start_step"},
        {"r_end", ParamType::Float, "1.0", "multiple of v0 from end_step on"},
        {"mode", ParamType::String, "linear", "ramp shape", {}, {}, ramp_mode_names()},
    };
}

void register_single(Registry<ScheduleFactory>& registry) {
    registry.add({"schedule", "single", "one ramp from v0·r_start at start_step to v0·r_end at end_step (shaped by mode)",
                  single_params()},
                 [](const Params& p, SchedulePtr) {
                     return std::make_shared<CyclicSchedule>(single_options(p.get_int("start_step"), p.get_int("end_step"),
                                                                            p.get_float("r_start"), p.get_float("r_end"),
                                                                            parse_ramp_mode(p.get_string("mode"))));
                 });
}

}  // namespace disent::schedules
