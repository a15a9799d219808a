#include "schedules/cyclic.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace disent::schedules {

double cyclic_ratio(double t, int64_t period, double p_low, double p_high, std::optional<int64_t> repeats,
                    EndMode end_mode, RampMode mode) {
    const double n = t / static_cast<double>(period);
    double r = n - std::floor(n);  // Python's `% 1` (non-negative also for negative t)
    const bool low = r <= p_low;
    const bool high = r >= 1.0 - p_high;
    if (p_low + p_high < 1.0) r = shape(mode, (r - p_low) / (1.0 - p_low - p_high));
    if (low) r = 0.0;
    if (high) r = 1.0;  // applied after `low`, as disent's np.where order does
    if (repeats && *repeats >= 0 && n >= static_cast<double>(*repeats)) r = end_mode == EndMode::End ? 1.0 : 0.0;
    return r;
}

CyclicSchedule::CyclicSchedule(const CyclicOptions& options) : o_(options) {
    if (o_.period <= 0) throw UserError("cyclic: period is " + std::to_string(o_.period) + ", expected > 0");
    if (!(o_.p_low >= 0.0) || !(o_.p_high >= 0.0) || !(o_.p_low + o_.p_high <= 1.0))
        throw UserError("cyclic: p_low (" + std::to_string(o_.p_low) + ") and p_high (" + std::to_string(o_.p_high) +
                        ") must be >= 0 with p_low + p_high <= 1");
}

double CyclicSchedule::ratio(int64_t step) const {
    double t = static_cast<double>(step);
    if (o_.start_step) t = std::max(0.0, t - static_cast<double>(*o_.start_step));
    return cyclic_ratio(t, o_.period, o_.p_low, o_.p_high, o_.repeats, o_.end_mode, o_.mode);
}

double CyclicSchedule::value(int64_t step, double v0) const { return lerp(ratio(step), v0 * o_.r_start, v0 * o_.r_end); }

ParamTable cyclic_params() {
    return {
        {"period", ParamType::Int, "null", "steps per cycle", 1.0},
        {"start_step", ParamType::Int, "null", "the first cycle starts here; before it the value is v0·r_start", 0.0, {}, {}, true},
        {"repeats", ParamType::Int, "null", "cycles before the value stays at the end_mode value (null or negative: forever)",
         {}, {}, {}, true},
        {"r_start", ParamType::Float, "0.0", "multiple of v0 at the start of each ramp"},
        {"r_end", ParamType::Float, "1.0", "multiple of v0 at the end of each ramp"},
        {"end_mode", ParamType::String, "end", "value after the last repeat: end (v0·r_end) or start (v0·r_start)", {}, {},
         {"end", "start"}},
        {"mode", ParamType::String, "linear", "ramp shape", {}, {}, ramp_mode_names()},
        {"p_low", ParamType::Float, "0.0", "fraction of each period held at v0·r_start before the ramp", 0.0, 1.0},
        {"p_high", ParamType::Float, "0.0", "fraction of each period held at v0·r_end after the ramp (p_low + p_high <= 1)",
         0.0, 1.0},
    };
}

namespace {
std::optional<int64_t> optional_int(const Params& p, const std::string& key) {
    if (p.is_null(key)) return std::nullopt;
    return p.get_int(key);
}
}  // namespace

void register_cyclic(Registry<ScheduleFactory>& registry) {
    registry.add({"schedule", "cyclic", "repeating ramps from v0·r_start to v0·r_end, one per period (sawtooth)",
                  cyclic_params()},
                 [](const Params& p, SchedulePtr) {
                     CyclicOptions o;
                     o.period = p.get_int("period");
                     o.start_step = optional_int(p, "start_step");
                     o.repeats = optional_int(p, "repeats");
                     o.r_start = p.get_float("r_start");
                     o.r_end = p.get_float("r_end");
                     o.end_mode = p.get_string("end_mode") == "start" ? EndMode::Start : EndMode::End;
                     o.mode = parse_ramp_mode(p.get_string("mode"));
                     o.p_low = p.get_float("p_low");
                     o.p_high = p.get_float("p_high");
                     return std::make_shared<CyclicSchedule>(o);
                 });
}

}  // namespace disent::schedules
