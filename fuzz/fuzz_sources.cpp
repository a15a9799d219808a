// libFuzzer target: dataset source readers we parse ourselves — SmallNORB binary matrices (gzipped or
// not) and MATLAB .mat (through matio) — the files users bring to `disent-run data prepare`.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "data/source_formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string base = "/tmp/disent-fuzz-src-" + std::to_string(::getpid());
    if (size < 1) return 0;
    const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    // the first byte picks the reader, so one corpus covers both formats
    const bool mat = data[0] & 1;
    const std::string path = base + (mat ? ".mat" : (data[0] & 2 ? ".gz" : ".dat"));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    try {
        if (mat) disent::data::read_mat_u8(path, "im");
        else disent::data::read_norb_matrix(path);
    } catch (const disent::UserError&) {
    }
    return 0;
}
