#include "schedules/cosine_wave.hpp"

#include <cmath>

#include "core/error.hpp"
#include "schedules/ratio.hpp"

namespace disent::schedules {

CosineWaveSchedule::CosineWaveSchedule(int64_t period, double r_start, double r_end)
    : period_(period), r_start_(r_start), r_end_(r_end) {
    if (period <= 0) throw UserError("cosine_wave: period is " + std::to_string(period) + ", expected > 0");
}

double CosineWaveSchedule::ratio(int64_t step) const {
    return 0.5 * (1.0 + std::cos(2.0 * M_PI * static_cast<double>(step) / static_cast<double>(period_) + M_PI));
}

double CosineWaveSchedule::value(int64_t step, double v0) const { return lerp(ratio(step), v0 * r_start_, v0 * r_end_); }

ParamTable cosine_wave_params() {
    return {
        {"period", ParamType::Int, "null", "steps per wave", 1.0},
        {"r_start", ParamType::Float, "0.0", "multiple of v0 at the troughs (t = 0, period, ...)"},
        {"r_end", ParamType::Float, "1.0", "multiple of v0 at the peaks (t = period/2, 3·period/2, ...)"},
    };
}

void register_cosine_wave(Registry<ScheduleFactory>& registry) {
    registry.add({"schedule", "cosine_wave", "smooth wave between v0·r_start (t = 0) and v0·r_end (t = period/2)",
                  cosine_wave_params()},
                 [](const Params& p, SchedulePtr) {
                     return std::make_shared<CosineWaveSchedule>(p.get_int("period"), p.get_float("r_start"), p.get_float("r_end"));
                 });
}

}  // namespace disent::schedules
