#pragma once
// NoopSchedule (spec §9): the value stays v0.
#include "schedules/schedule.hpp"

namespace disent::schedules {

class NoopSchedule : public Schedule {
public:
    double value(int64_t step, double v0) const override { return v0; }
};

ParamTable noop_params();
void register_noop(Registry<ScheduleFactory>& registry);

}  // namespace disent::schedules
