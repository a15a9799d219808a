#pragma once
// Checkpoints: model and optimiser state, the step, and the resolved config they belong to, in one
// LibTorch archive written atomically (temp file + fsync + rename), so a kill at any moment leaves
// the previous checkpoint loadable.
#include <torch/torch.h>

#include <string>

#include "frameworks/framework.hpp"
#include "train/optimizer.hpp"

namespace disent::train {

inline constexpr int64_t kCheckpointFormat = 1;

struct CheckpointInfo {
    int64_t step = 0;             // optimiser steps completed
    std::string config_yaml;      // resolved config of the run
    std::string version;          // disent-run version that wrote it
    int64_t format = kCheckpointFormat;
};

void save_checkpoint(const std::string& path, frameworks::Framework& fw, Optimizer& opt,
                     const CheckpointInfo& info);
// Reads only the metadata (step, config, version); UserError if the file is not a readable checkpoint.
CheckpointInfo read_checkpoint_info(const std::string& path);
// Restores model and optimiser; UserError naming the file if it is corrupted, of another format, or was
// written for a different model.
CheckpointInfo load_checkpoint(const std::string& path, frameworks::Framework& fw, Optimizer& opt);

}  // namespace disent::train
