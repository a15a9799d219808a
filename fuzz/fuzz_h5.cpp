// libFuzzer target: HDF5 files users bring (3D Shapes' `images`/`labels`) and our prepared stores,
// through our reader (open, dims, attributes, a row read). libhdf5 itself is not instrumented.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/h5_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/disent-fuzz-h5-" + std::to_string(::getpid()) + ".h5";
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
    try {
        disent::data::H5ArrayReader r(path, "images", 1 << 20);
        r.string_list_attr("factor_names");
        if (!r.dims().empty() && r.dims()[0] > 0 && r.row_elems() > 0 && r.row_elems() < (1 << 22)) {
            std::vector<uint8_t> row(static_cast<size_t>(r.row_elems()));
            r.read_u8(0, 1, row.data());
            r.read_row_direct(0, row.data());
        }
    } catch (const disent::UserError&) {
    }
    return 0;
}
