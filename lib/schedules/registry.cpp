// The schedule registry (spec §9 SCHEDULES, plus `single`), and building schedules by name.
#include <stdexcept>

#include "schedules/clip.hpp"
#include "schedules/cosine_wave.hpp"
#include "schedules/cyclic.hpp"
#include "schedules/linear.hpp"
#include "schedules/noop.hpp"
#include "schedules/single.hpp"

namespace disent::schedules {

Registry<ScheduleFactory>& schedule_registry() {
    static Registry<ScheduleFactory> registry("schedule");
    return registry;
}

void register_all() {
    Registry<ScheduleFactory>& r = schedule_registry();
    if (!r.find("noop")) register_noop(r);
    if (!r.find("linear")) register_linear(r);
    if (!r.find("cyclic")) register_cyclic(r);
    if (!r.find("single")) register_single(r);
    if (!r.find("cosine_wave")) register_cosine_wave(r);
    if (!r.find("clip")) register_clip(r);
}

SchedulePtr make_schedule(const std::string& name, const Params& params, SchedulePtr inner) {
    register_all();
    const auto& entry = schedule_registry().get(name);
    const bool wraps = entry.info.traits.count("wraps") != 0;
    if (wraps != (inner != nullptr))
        throw std::logic_error("schedule '" + name + "' " + (wraps ? "needs" : "takes no") + " wrapped schedule");
    return entry.make(params, std::move(inner));
}

void check_schedule(const std::string& name, const Params& params) {
    register_all();
    const auto& entry = schedule_registry().get(name);
    SchedulePtr placeholder = entry.info.traits.count("wraps") ? std::make_shared<NoopSchedule>() : nullptr;
    make_schedule(name, params, std::move(placeholder));
}

}  // namespace disent::schedules
