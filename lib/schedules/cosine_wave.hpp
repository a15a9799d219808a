#pragma once
// CosineWaveSchedule (spec §9): ratio ½(1 + cos(2π t / period + π)), 0 at t = 0 and 1 at period / 2.
#include "schedules/schedule.hpp"

namespace disent::schedules {

class CosineWaveSchedule : public Schedule {
public:
    // Throws UserError unless period > 0.
    CosineWaveSchedule(int64_t period, double r_start = 0.0, double r_end = 1.0);
    double ratio(int64_t step) const;
    double value(int64_t step, double v0) const override;

private:
    int64_t period_;
    double r_start_, r_end_;
};

ParamTable cosine_wave_params();
void register_cosine_wave(Registry<ScheduleFactory>& registry);

}  // namespace disent::schedules
