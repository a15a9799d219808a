#pragma once
// Readers for the original dataset file formats (spec §5.3): LeCun/SmallNORB binary matrices (gzipped or
// not), MATLAB v5 .mat variables (matio), and NumPy .npz members read as a stream (the MPI3D and dSprites
// arrays are too big to decode in one piece). Every reader validates sizes and raises UserError naming the
// file on a malformed, truncated or corrupt input.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/npy.hpp"

namespace disent::data {

// ---- SmallNORB binary matrix ---------------------------------------------------------------------
enum : uint32_t {
    kNorbU8 = 0x1E3D4C55,
    kNorbI32 = 0x1E3D4C54,
    kNorbI16 = 0x1E3D4C56,
    kNorbF32 = 0x1E3D4C51,
    kNorbF64 = 0x1E3D4C53,
};
struct NorbMatrix {
    uint32_t magic = 0;
    std::vector<int64_t> dims;
    std::vector<uint8_t> data;  // raw little-endian elements, row-major
    size_t itemsize() const;
    std::vector<int64_t> as_int64() const;  // integer matrices only
};
// Reads a (possibly gzip-compressed) binary matrix.
NorbMatrix read_norb_matrix(const std::string& path);
// Encodes one (header + data), uncompressed; for tests and tools.
std::string encode_norb_matrix(uint32_t magic, const std::vector<int64_t>& dims, const void* data);

// ---- MATLAB v5 -----------------------------------------------------------------------------------
struct MatU8Array {
    std::vector<int64_t> dims;  // MATLAB dims (column-major: the first index varies fastest)
    std::vector<uint8_t> data;
};
MatU8Array read_mat_u8(const std::string& path, const std::string& var);

// ---- streaming .npz member -----------------------------------------------------------------------
class NpzMemberStream {
public:
    NpzMemberStream(const std::string& path, const std::string& array_name);
    ~NpzMemberStream();
    NpzMemberStream(const NpzMemberStream&) = delete;
    NpzMemberStream& operator=(const NpzMemberStream&) = delete;
    const io::NpyHeaderInfo& header() const { return info_; }
    // Reads exactly n bytes of array data (UserError on truncation / corruption).
    void read(void* out, size_t n);
    // After all data is read: verifies the member ends here (and its CRC).
    void finish();
    bool has_member(const std::string& name) const;

private:
    std::string path_, where_;
    void* zip_ = nullptr;
    void* file_ = nullptr;
    io::NpyHeaderInfo info_;
};
bool npz_has_array(const std::string& path, const std::string& name);

}  // namespace disent::data
