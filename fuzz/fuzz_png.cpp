// libFuzzer target: PNG decoding (figures are read back by tests and tools).
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "io/png.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        auto img = disent::io::decode_png(std::string(reinterpret_cast<const char*>(data), size), "fuzz.png");
        if (img.pixels.size() != static_cast<size_t>(img.width) * img.height * img.channels) __builtin_trap();
    } catch (const disent::UserError&) {
    }
    return 0;
}
