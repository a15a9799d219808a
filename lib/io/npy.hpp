#pragma once
// NumPy's .npy array format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
// the unit inside .npz archives, which is how datasets (dSprites, ...) arrive and how the runner
// exports latent codes and metric inputs for inspection in Python.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace disent::io {

// One array: element type, shape and raw C-order little-endian bytes.
// dtype is canonical: "|b1" "|u1" "|i1" "<u2" "<i2" "<u4" "<i4" "<u8" "<i8" "<f4" "<f8".
struct NpyArray {
    std::string dtype;
    std::vector<int64_t> shape;  // empty = 0-d scalar (one element)
    std::vector<uint8_t> data;

    size_t numel() const;     // product of shape (1 for a scalar)
    size_t itemsize() const;  // bytes per element of dtype; throws std::invalid_argument if unsupported
};

// Canonical form of a NumPy type string ("u1" -> "|u1", "=f4" -> "<f4", "<f8" stays).
// Throws UserError naming `where` for big-endian or unsupported types (complex, strings, objects...).
std::string canonical_dtype(const std::string& descr, const std::string& where = "array");

// .npy file bytes (format 1.0; 2.0 only if the header would exceed 64 KiB). The header is padded
// with spaces and ends in '\n' so that data starts at a multiple of 64 bytes, as NumPy does.
// Throws std::invalid_argument if dtype is unsupported or data.size() != numel() * itemsize().
std::string encode_npy(const NpyArray& arr);
std::string npy_header(const NpyArray& arr);  // just the magic + header part of encode_npy

// Parse .npy bytes (format 1.0, 2.0, 3.0). `where` names the source in errors, e.g. "'x.npz' array 'imgs'".
// UserError on bad magic, malformed header, fortran_order (unless the layout is the same as C order),
// big-endian or unsupported dtype, or a size mismatch (truncated or trailing data).
NpyArray parse_npy(const std::string& bytes, const std::string& where);

// ---- parsing the header alone (for streaming readers) -------------------------------------------
struct NpyHeaderInfo {
    std::string dtype;  // canonical
    std::vector<int64_t> shape;
    size_t header_bytes = 0;  // magic + version + length field + header text: where data begins
    size_t data_bytes = 0;    // numel * itemsize (overflow-checked)
};
// Bytes needed to learn the header length: 10 for version 1.0, 12 for 2.0/3.0 (needs >= 8 bytes).
size_t npy_prefix_size(const char* data, size_t size, const std::string& where);
// `data` must hold at least the full header (npy_prefix_size, then header_bytes from the length field).
// Returns false (without throwing) only if `size` is too small to hold the whole header.
bool parse_npy_header(const char* data, size_t size, const std::string& where, NpyHeaderInfo& out);

// ---- building arrays and reading values ----------------------------------------------------------
// Arrays from typed values; `shape` must multiply to values.size() (std::invalid_argument otherwise).
// Without `shape` the array is 1-D.
NpyArray make_array(const std::vector<uint8_t>& values, const std::vector<int64_t>& shape);
NpyArray make_array(const std::vector<int32_t>& values, const std::vector<int64_t>& shape);
NpyArray make_array(const std::vector<int64_t>& values, const std::vector<int64_t>& shape);
NpyArray make_array(const std::vector<float>& values, const std::vector<int64_t>& shape);
NpyArray make_array(const std::vector<double>& values, const std::vector<int64_t>& shape);
NpyArray make_array(const std::vector<uint8_t>& values);
NpyArray make_array(const std::vector<int32_t>& values);
NpyArray make_array(const std::vector<int64_t>& values);
NpyArray make_array(const std::vector<float>& values);
NpyArray make_array(const std::vector<double>& values);

// Element values converted from any supported dtype (bool -> 0/1).
std::vector<double> as_doubles(const NpyArray& arr);
std::vector<float> as_floats(const NpyArray& arr);
// Integer dtypes convert exactly; floating values must be whole numbers within int64 range, and
// uint64 values must fit int64 (UserError otherwise, naming the element index).
std::vector<int64_t> as_int64(const NpyArray& arr);

}  // namespace disent::io
