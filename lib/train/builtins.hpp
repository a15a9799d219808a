#pragma once
// One place that registers every built-in component and describes them to the config system.
#include "config/catalog.hpp"

namespace disent::train {

// Calls each component folder's register_all() (idempotent).
void register_builtins();
// The catalog of every registered component (for config resolution, `list` and docs/config.md).
config::Catalog build_catalog();

}  // namespace disent::train
