#include "schedules/noop.hpp"

namespace disent::schedules {

ParamTable noop_params() { return {}; }

void register_noop(Registry<ScheduleFactory>& registry) {
    registry.add({"schedule", "noop", "keeps the configured value v0 (a placeholder in sweeps)", noop_params()},
                 [](const Params&, SchedulePtr) { return std::make_shared<NoopSchedule>(); });
}

}  // namespace disent::schedules
