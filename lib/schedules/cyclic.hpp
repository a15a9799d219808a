#pragma once
// CyclicSchedule (spec §9): a sawtooth of shaped ramps from v0·r_start to v0·r_end, one per period,
// optionally delayed (start_step), with flat low/high parts (p_low, p_high) and a number of repeats.
#include <optional>

#include "schedules/ratio.hpp"
#include "schedules/schedule.hpp"

namespace disent::schedules {

// Value after the last repeat: the end of the ramp (r_end) or its start (r_start).
enum class EndMode { End, Start };

struct CyclicOptions {
    int64_t period = 3600;
    std::optional<int64_t> start_step{};  // steps before it sit at ratio 0
    std::optional<int64_t> repeats{};     // none or negative: forever
    double r_start = 0.0, r_end = 1.0;
    EndMode end_mode = EndMode::End;
    RampMode mode = RampMode::Linear;
    double p_low = 0.0, p_high = 0.0;  // fractions of each period held at ratio 0 / 1
};

// disent's cyclical_anneal with start_low=True at (already shifted) step t: r = (t/period) mod 1;
// r <= p_low → 0, r >= 1 − p_high → 1, otherwise shape((r − p_low) / (1 − p_low − p_high));
// after `repeats` periods (repeats >= 0) the end value (1 for End, 0 for Start).
double cyclic_ratio(double t, int64_t period, double p_low, double p_high, std::optional<int64_t> repeats,
                    EndMode end_mode, RampMode mode);

class CyclicSchedule : public Schedule {
public:
    // Throws UserError unless period > 0, 0 <= p_low, 0 <= p_high, p_low + p_high <= 1.
    explicit CyclicSchedule(const CyclicOptions& options);
    double ratio(int64_t step) const;
    double value(int64_t step, double v0) const override;

private:
    CyclicOptions o_;
};

ParamTable cyclic_params();
void register_cyclic(Registry<ScheduleFactory>& registry);

}  // namespace disent::schedules
