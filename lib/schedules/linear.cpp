#include "schedules/linear.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "schedules/ratio.hpp"

namespace disent::schedules {

LinearSchedule::LinearSchedule(int64_t start_step, int64_t end_step, double r_start, double r_end)
    : start_step_(start_step), end_step_(end_step), r_start_(r_start), r_end_(r_end) {
    if (start_step < 0) throw UserError("linear: start_step is " + std::to_string(start_step) + ", expected >= 0");
    if (end_step <= start_step)
        throw UserError("linear: end_step (" + std::to_string(end_step) + ") must be greater than start_step (" +
                        std::to_string(start_step) + ")");
}

double LinearSchedule::ratio(int64_t step) const {
    const double r = static_cast<double>(step - start_step_) / static_cast<double>(end_step_ - start_step_);
    return std::min(1.0, std::max(0.0, r));
}

double LinearSchedule::value(int64_t step, double v0) const { return lerp(ratio(step), v0 * r_start_, v0 * r_end_); }

ParamTable linear_params() {
    return {
        {"start_step", ParamType::Int, "null", "step where the ramp starts", 0.0},
        {"end_step", ParamType::Int, "null", "step where the ramp ends, > start_step", 1.0},
        {"r_start", ParamType::Float, "0.0", "multiple of v0 up to start_step"},
        {"r_end", ParamType::Float, "1.0", "multiple of v0 from end_step on"},
    };
}

void register_linear(Registry<ScheduleFactory>& registry) {
    registry.add({"schedule", "linear", "linear ramp from v0·r_start at start_step to v0·r_end at end_step", linear_params()},
                 [](const Params& p, SchedulePtr) {
                     return std::make_shared<LinearSchedule>(p.get_int("start_step"), p.get_int("end_step"),
                                                             p.get_float("r_start"), p.get_float("r_end"));
                 });
}

}  // namespace disent::schedules
