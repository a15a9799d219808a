// libFuzzer target: .npz / .npy reading (stored codes, dSprites and MPI3D sources).
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "io/npy.hpp"
#include "io/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/disent-fuzz-npz-" + std::to_string(::getpid()) + ".npz";
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    try {
        disent::io::parse_npy(bytes, "fuzz.npy");
    } catch (const disent::UserError&) {
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    try {
        auto arrays = disent::io::read_npz(path);
        for (const auto& [name, a] : arrays)
            if (a.data.size() != a.numel() * a.itemsize()) __builtin_trap();
    } catch (const disent::UserError&) {
    }
    return 0;
}
