#include "schedules/clip.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/error.hpp"

namespace disent::schedules {

ClipSchedule::ClipSchedule(SchedulePtr inner, const ClipOptions& options) : inner_(std::move(inner)), o_(options) {
    if (!inner_) throw std::logic_error("clip schedule without a wrapped schedule");
    if (o_.min_step && o_.max_step && *o_.min_step > *o_.max_step)
        throw UserError("clip: min_step (" + std::to_string(*o_.min_step) + ") is greater than max_step (" +
                        std::to_string(*o_.max_step) + ")");
    if (o_.min_value && o_.max_value && *o_.min_value > *o_.max_value)
        throw UserError("clip: min_value (" + value_to_text(*o_.min_value) + ") is greater than max_value (" +
                        value_to_text(*o_.max_value) + ")");
}

int64_t ClipSchedule::inner_step(int64_t step) const {
    if (o_.min_step) step = std::max(step, *o_.min_step);
    if (o_.max_step) step = std::min(step, *o_.max_step);
    if (o_.shift_step && o_.min_step) step -= *o_.min_step;
    return step + o_.shift_by;
}

double ClipSchedule::value(int64_t step, double v0) const {
    double v = inner_->value(inner_step(step), v0);
    if (o_.min_value) v = std::max(v, *o_.min_value);
    if (o_.max_value) v = std::min(v, *o_.max_value);
    return v;
}

ParamTable clip_params() {
    return {
        {"min_step", ParamType::Int, "null", "steps before it are evaluated at min_step", {}, {}, {}, true},
        {"max_step", ParamType::Int, "null", "steps after it are evaluated at max_step", {}, {}, {}, true},
        {"shift_step", ParamType::Bool, "true",
         "the wrapped schedule sees t − min_step (no shift without min_step; disent would add 1 there)"},
        {"shift_by", ParamType::Int, "0", "added to the step the wrapped schedule sees (disent's integer shift_step)"},
        {"min_value", ParamType::Float, "null", "lower bound of the value", {}, {}, {}, true},
        {"max_value", ParamType::Float, "null", "upper bound of the value", {}, {}, {}, true},
    };
}

namespace {
template <class T>
std::optional<T> optional_of(const Params& p, const std::string& key, T (Params::*get)(const std::string&) const) {
    if (p.is_null(key)) return std::nullopt;
    return (p.*get)(key);
}
}  // namespace

void register_clip(Registry<ScheduleFactory>& registry) {
    ComponentInfo info{"schedule", "clip",
                       "clamps the step and the value of the schedule under `schedule:` (which sees shifted steps)",
                       clip_params(), {{"wraps", "schedule"}}};
    registry.add(std::move(info), [](const Params& p, SchedulePtr inner) {
        ClipOptions o;
        o.min_step = optional_of<int64_t>(p, "min_step", &Params::get_int);
        o.max_step = optional_of<int64_t>(p, "max_step", &Params::get_int);
        o.shift_step = p.get_bool("shift_step");
        o.shift_by = p.get_int("shift_by");
        o.min_value = optional_of<double>(p, "min_value", &Params::get_float);
        o.max_value = optional_of<double>(p, "max_value", &Params::get_float);
        return std::make_shared<ClipSchedule>(std::move(inner), o);
    });
}

}  // namespace disent::schedules
