#include "train/scheduled_keys.hpp"

namespace disent::train {

schedules::SchedulePtr build_schedule(const config::ScheduleConfig& sc) {
    return schedules::make_schedule(sc.name, sc.params, sc.inner ? build_schedule(*sc.inner) : nullptr);
}

std::vector<ScheduledKey> build_scheduled_keys(const config::ResolvedConfig& cfg) {
    std::vector<ScheduledKey> out;
    const Params& fw = cfg.section("framework");
    for (const auto& s : cfg.schedules) {
        ScheduledKey k;
        k.key = s.key;
        k.param = s.key.substr(s.key.find('.') + 1);  // resolution guarantees "framework.<param>"
        k.v0 = fw.get_float(k.param);
        k.schedule = build_schedule(s.schedule);
        out.push_back(std::move(k));
    }
    return out;
}

}  // namespace disent::train
