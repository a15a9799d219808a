// libFuzzer target: checkpoint metadata reading (resume, evaluate, sweep status read checkpoints).
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "train/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/disent-fuzz-ckpt-" + std::to_string(::getpid()) + ".pt";
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
    try {
        disent::train::read_checkpoint_info(path);
    } catch (const disent::UserError&) {
    }
    return 0;
}
