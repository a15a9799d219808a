#pragma once
// ClipSchedule (spec §9): clamps the step to [min_step, max_step], shifts it, evaluates the wrapped
// schedule and clamps the value to [min_value, max_value] (each bound optional).
#include <optional>

#include "schedules/schedule.hpp"

namespace disent::schedules {

struct ClipOptions {
    std::optional<int64_t> min_step{}, max_step{};
    // true: the wrapped schedule sees steps relative to min_step (t − min_step), so it starts at its
    // own step 0 when the clip window opens. Without min_step there is nothing to shift by: disent
    // adds `True` (= +1) there (spec §12.15); we deliberately do not shift.
    bool shift_step = true;
    int64_t shift_by = 0;  // disent's integer `shift_step`: added to the (clamped) step
    std::optional<double> min_value{}, max_value{};
};

class ClipSchedule : public Schedule {
public:
    // Throws UserError when min_step > max_step or min_value > max_value; logic_error without `inner`.
    ClipSchedule(SchedulePtr inner, const ClipOptions& options);
    // The step the wrapped schedule sees.
    int64_t inner_step(int64_t step) const;
    double value(int64_t step, double v0) const override;

private:
    SchedulePtr inner_;
    ClipOptions o_;
};

ParamTable clip_params();
// Registered with the trait "wraps": "schedule" (the config key holding the wrapped schedule).
void register_clip(Registry<ScheduleFactory>& registry);

}  // namespace disent::schedules
