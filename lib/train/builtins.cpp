#include "train/builtins.hpp"

#include "data/registry.hpp"
#include "frameworks/framework.hpp"
#include "losses/recon_loss_name.hpp"
#include "metrics/metric.hpp"
#include "models/autoencoder.hpp"
#include "schedules/schedule.hpp"
#include "train/optimizers.hpp"

namespace disent::train {

void register_builtins() {
    data::register_all();
    models::register_all();
    frameworks::register_all();
    metrics::register_all();
    register_optimizers();
    schedules::register_all();
}

config::Catalog build_catalog() {
    register_builtins();
    config::Catalog c;
    c.kinds["dataset"] = data::dataset_registry().infos();
    c.kinds["sampler"] = data::sampler_registry().infos();
    c.kinds["model"] = models::model_registry().infos();
    c.kinds["framework"] = frameworks::framework_registry().infos();
    c.kinds["optimizer"] = optimizer_registry().infos();
    c.kinds["metric"] = metrics::metric_registry().infos();
    c.kinds["schedule"] = schedules::schedule_registry().infos();
    c.check_schedule = schedules::check_schedule;
    c.check_recon_loss = [](const std::string& name) { losses::parse_recon_loss_name(name); };
    return c;
}

}  // namespace disent::train
