#pragma once
// The training loop: `train` starts a run in a fresh directory, `resume` continues one from its last
// checkpoint "as if there had been no interruption" (same batches, same noise, same losses on CPU).
#include <iosfwd>
#include <string>

#include "config/spec.hpp"

namespace disent::train {

struct TrainOptions {
    std::string run_dir;
    bool overwrite = false;
    // Progress display: "auto" (a live bar on a terminal, log lines otherwise), "bar", "lines", "none".
    std::string progress = "auto";
    // Test hook: stop like an interrupt once this many steps are done (-1: never).
    int64_t stop_after = -1;
    std::ostream* out = nullptr;  // log lines (default std::cout)
};

enum class TrainStatus { Finished, Interrupted };

struct TrainResult {
    TrainStatus status = TrainStatus::Finished;
    int64_t step = 0;  // steps completed
    std::string run_dir;
};

TrainResult train_new(const config::ResolvedConfig& cfg, const TrainOptions& opts);
TrainResult resume_run(const config::Catalog& catalog, const TrainOptions& opts);

// Signals that ask a run to checkpoint and stop (SIGINT, SIGTERM, SIGUSR1). Exposed for tests.
void request_stop(int signal_number);

}  // namespace disent::train
