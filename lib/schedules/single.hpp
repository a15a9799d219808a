#pragma once
// SingleSchedule (spec §9): one shaped ramp from v0·r_start at start_step to v0·r_end at end_step,
// i.e. a cyclic schedule with period end_step − start_step and one repeat that ends at r_end.
#include "schedules/cyclic.hpp"

namespace disent::schedules {

// Throws UserError unless 0 <= start_step < end_step.
CyclicOptions single_options(int64_t start_step, int64_t end_step, double r_start = 0.0, double r_end = 1.0,
                             RampMode mode = RampMode::Linear);

ParamTable single_params();
void register_single(Registry<ScheduleFactory>& registry);

}  // namespace disent::schedules
