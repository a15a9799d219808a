#pragma once
// NumPy .npz archives: a zip of "<name>.npy" members (np.savez / np.savez_compressed), read and written
// with libzip. Reading validates every size before allocating or copying, so truncated or corrupt
// downloads fail with a UserError naming the file instead of crashing.
#include <map>
#include <string>
#include <vector>

#include "io/npy.hpp"

namespace disent::io {

// Write `arrays` as `<name>.npy` members, deflate-compressed if `compress` (like np.savez_compressed)
// or stored (like np.savez). Atomic (see atomic_file.hpp): libzip writes a temp file that is renamed.
// Member timestamps are fixed so identical arrays give identical files.
// Throws std::invalid_argument on an empty name or malformed array, UserError if writing fails.
void write_npz(const std::string& path, const std::map<std::string, NpyArray>& arrays, bool compress = true);

// All arrays, keyed by member name without ".npy" (members not ending in ".npy" are ignored).
// UserError naming the file (and array) if it is missing, not a zip, corrupt or truncated, or holds
// an array of unsupported dtype / Fortran order / big-endian layout.
std::map<std::string, NpyArray> read_npz(const std::string& path);
// Only the named arrays (other members are not decoded, so they may have unsupported dtypes such as
// pickled objects). UserError if one is missing.
std::map<std::string, NpyArray> read_npz(const std::string& path, const std::vector<std::string>& names);
// Array names in the archive, in archive order.
std::vector<std::string> npz_names(const std::string& path);

}  // namespace disent::io
