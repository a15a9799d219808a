// libFuzzer target: sweep specs (parse and plan). Only UserError may escape; run names never contain
// a path separator or "..", so a sweep can never write outside its directory.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "sweep/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        auto spec = disent::sweep::parse_sweep(std::string(reinterpret_cast<const char*>(data), size), "/tmp/fuzz/sweep.yaml");
        auto runs = disent::sweep::plan_runs(spec, 0);
        for (size_t i = 0; i < runs.size() && i < 64; ++i) {
            const std::string name = disent::sweep::make_run_name({{"k", std::to_string(i)}});
            if (name.find('/') != std::string::npos || name.find("..") != std::string::npos) __builtin_trap();
            disent::sweep::run_overrides(spec, runs[i]);
        }
    } catch (const disent::UserError&) {
    }
    return 0;
}
