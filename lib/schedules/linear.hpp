#pragma once
// LinearSchedule (spec §9): ratio clip((t − start_step) / (end_step − start_step), 0, 1).
#include "schedules/schedule.hpp"

namespace disent::schedules {

class LinearSchedule : public Schedule {
public:
    // Throws UserError unless 0 <= start_step < end_step.
    LinearSchedule(int64_t start_step, int64_t end_step, double r_start = 0.0, double r_end = 1.0);
    double ratio(int64_t step) const;
    double value(int64_t step, double v0) const override;

private:
    int64_t start_step_, end_step_;
    double r_start_, r_end_;
};

ParamTable linear_params();
void register_linear(Registry<ScheduleFactory>& registry);

}  // namespace disent::schedules
