#pragma once
// The prepared-dataset store (spec §5.2): one HDF5 file per dataset holding a uint8 (N, H, W, C) dataset
// chunked per image (1, H, W, C), gzip level 4, libver earliest and no object timestamps (deterministic
// bytes), with the factor metadata as attributes. Also generic read access to source HDF5 arrays.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace disent::data {

struct H5ImageMeta {
    std::string dataset_name;  // registry key, attribute "dataset"
    std::vector<std::string> factor_names;
    std::vector<int64_t> factor_sizes;
};

// Writes a new store file at `path`, which must not exist yet (a file or link there is refused, never
// truncated or written through). Images are appended in index order.
class H5ImageWriter {
public:
    H5ImageWriter(const std::string& path, int64_t n, int h, int w, int c, const H5ImageMeta& meta,
                  const std::string& array_name = "images");
    ~H5ImageWriter();
    H5ImageWriter(const H5ImageWriter&) = delete;
    H5ImageWriter& operator=(const H5ImageWriter&) = delete;
    // Write images [start, start + count) from contiguous HWC bytes.
    void write(int64_t start, int64_t count, const uint8_t* data);
    void close();  // flushes; UserError if HDF5 reports a failure

private:
    std::string path_;
    int64_t n_ = 0, h_ = 0, w_ = 0, c_ = 0;
    int64_t file_ = -1, dset_ = -1;
};

// Read access to one array of an HDF5 file (any rank, converted to the requested type on read).
class H5ArrayReader {
public:
    // UserError naming the file if it cannot be opened or has no such dataset. cache_bytes sizes the raw
    // chunk cache (0: HDF5's default).
    H5ArrayReader(const std::string& path, const std::string& array_name, size_t cache_bytes = 0);
    ~H5ArrayReader();
    H5ArrayReader(const H5ArrayReader&) = delete;
    H5ArrayReader& operator=(const H5ArrayReader&) = delete;
    const std::vector<int64_t>& dims() const { return dims_; }
    int64_t row_elems() const;  // product of dims()[1:]
    // Rows [start, start + count) as uint8 / double (HDF5 converts). Thread-safe (one lock per reader).
    void read_u8(int64_t start, int64_t count, uint8_t* out) const;
    void read_f64(int64_t start, int64_t count, double* out) const;
    bool is_integer_or_float() const;
    // Fast path for the store layout (uint8, chunks of one row, deflate or no filter): reads row `row`'s
    // raw chunk under the lock and inflates it outside, so concurrent callers decompress in parallel.
    // Bypasses the chunk cache. Returns false (doing nothing) when the layout does not allow it.
    bool read_row_direct(int64_t row, uint8_t* out) const;
    bool direct_ok() const { return direct_ok_; }
    // Attributes of the array (empty / false if absent).
    std::vector<std::string> string_list_attr(const std::string& name) const;
    std::vector<int64_t> int_list_attr(const std::string& name) const;
    std::string string_attr(const std::string& name) const;

private:
    void read(int64_t start, int64_t count, int64_t mem_type, void* out) const;
    std::string path_, name_;
    int64_t file_ = -1, dset_ = -1;
    std::vector<int64_t> dims_;
    bool direct_ok_ = false, deflate_ = false;
    mutable std::mutex mu_;
};

// Names of the datasets at the root of an HDF5 file ("" groups excluded); UserError if unreadable.
bool h5_is_hdf5(const std::string& path);

}  // namespace disent::data
