#include "data/h5_store.hpp"

#include <hdf5.h>
#include <zlib.h>

#include <cstring>

#include "core/error.hpp"

namespace disent::data {

namespace {

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check(herr_t r, const std::string& what) {
    if (r < 0) throw UserError(what);
}

void write_string_attr(hid_t obj, const char* name, const std::string& value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, std::max<size_t>(1, value.size()));
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, type, value.empty() ? "" : value.data());
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    check(r, std::string("cannot write HDF5 attribute '") + name + "'");
}

void write_string_list_attr(hid_t obj, const char* name, const std::vector<std::string>& values) {
    size_t width = 1;
    for (const auto& v : values) width = std::max(width, v.size());
    std::vector<char> buf(width * std::max<size_t>(1, values.size()), '\0');
    for (size_t i = 0; i < values.size(); ++i) std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, width);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    hsize_t n = values.size();
    hid_t space = H5Screate_simple(1, &n, nullptr);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, type, buf.data());
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    check(r, std::string("cannot write HDF5 attribute '") + name + "'");
}

void write_int_list_attr(hid_t obj, const char* name, const std::vector<int64_t>& values) {
    hsize_t n = values.size();
    hid_t space = H5Screate_simple(1, &n, nullptr);
    hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_INT64, values.data());
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    check(r, std::string("cannot write HDF5 attribute '") + name + "'");
}

}  // namespace

// ---- writer ----------------------------------------------------------------------------------------

H5ImageWriter::H5ImageWriter(const std::string& path, int64_t n, int h, int w, int c, const H5ImageMeta& meta,
                             const std::string& array_name)
    : path_(path), n_(n), h_(h), w_(w), c_(c) {
    quiet();
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_LATEST);
    // H5F_ACC_EXCL (O_CREAT | O_EXCL): a file or a planted symbolic link already at `path` is never
    // truncated or written through
    file_ = H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (file_ < 0) throw UserError("cannot create HDF5 file '" + path + "' (it must not exist yet)");
    hsize_t dims[4] = {static_cast<hsize_t>(n), static_cast<hsize_t>(h), static_cast<hsize_t>(w), static_cast<hsize_t>(c)};
    hsize_t chunk[4] = {1, dims[1], dims[2], dims[3]};
    hid_t space = H5Screate_simple(4, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 4, chunk);
    H5Pset_deflate(dcpl, 4);
    H5Pset_obj_track_times(dcpl, 0);
    dset_ = H5Dcreate2(file_, array_name.c_str(), H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (dset_ < 0) {
        H5Fclose(file_);
        file_ = -1;
        throw UserError("cannot create the HDF5 dataset in '" + path + "'");
    }
    write_string_attr(dset_, "dataset", meta.dataset_name);
    write_string_list_attr(dset_, "factor_names", meta.factor_names);
    write_int_list_attr(dset_, "factor_sizes", meta.factor_sizes);
}

H5ImageWriter::~H5ImageWriter() {
    if (dset_ >= 0) H5Dclose(dset_);
    if (file_ >= 0) H5Fclose(file_);
}

void H5ImageWriter::write(int64_t start, int64_t count, const uint8_t* data) {
    if (start < 0 || count < 0 || start + count > n_) throw std::out_of_range("H5ImageWriter::write: range");
    hsize_t off[4] = {static_cast<hsize_t>(start), 0, 0, 0};
    hsize_t cnt[4] = {static_cast<hsize_t>(count), static_cast<hsize_t>(h_), static_cast<hsize_t>(w_), static_cast<hsize_t>(c_)};
    hid_t fs = H5Dget_space(dset_);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, nullptr, cnt, nullptr);
    hid_t ms = H5Screate_simple(4, cnt, nullptr);
    herr_t r = H5Dwrite(dset_, H5T_NATIVE_UINT8, ms, fs, H5P_DEFAULT, data);
    H5Sclose(ms);
    H5Sclose(fs);
    check(r, "cannot write images to '" + path_ + "' (disk full?)");
}

void H5ImageWriter::close() {
    herr_t r1 = dset_ >= 0 ? H5Dclose(dset_) : 0;
    dset_ = -1;
    herr_t r2 = file_ >= 0 ? H5Fclose(file_) : 0;
    file_ = -1;
    check(r1 < 0 || r2 < 0 ? -1 : 0, "cannot finish HDF5 file '" + path_ + "' (disk full?)");
}

// ---- reader ----------------------------------------------------------------------------------------

H5ArrayReader::H5ArrayReader(const std::string& path, const std::string& array_name, size_t cache_bytes)
    : path_(path), name_(array_name) {
    quiet();
    if (H5Fis_hdf5(path.c_str()) <= 0) throw UserError("'" + path + "' is missing or not an HDF5 file");
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ < 0) throw UserError("cannot open HDF5 file '" + path + "' (corrupt or truncated?)");
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (cache_bytes > 0) H5Pset_chunk_cache(dapl, 12421, cache_bytes, 1.0);
    dset_ = H5Dopen2(file_, array_name.c_str(), dapl);
    H5Pclose(dapl);
    if (dset_ < 0) {
        H5Fclose(file_);
        file_ = -1;
        throw UserError("HDF5 file '" + path + "' has no dataset '" + array_name + "'");
    }
    hid_t space = H5Dget_space(dset_);
    const int nd = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> d(static_cast<size_t>(std::max(nd, 0)));
    if (nd > 0) H5Sget_simple_extent_dims(space, d.data(), nullptr);
    H5Sclose(space);
    for (hsize_t v : d) dims_.push_back(static_cast<int64_t>(v));
    if (dims_.empty()) {
        H5Dclose(dset_);
        H5Fclose(file_);
        throw UserError("HDF5 dataset '" + array_name + "' in '" + path + "' is a scalar, expected an array");
    }
    // a damaged header can claim any extent: refuse shapes whose element count overflows (fuzz_h5 found
    // row_elems() overflowing int64) or exceeds 2^48 elements, far beyond any dataset
    int64_t total = 1;
    bool plausible = true;
    for (hsize_t v : d)
        plausible = plausible && v <= (hsize_t{1} << 48) && !__builtin_mul_overflow(total, static_cast<int64_t>(v), &total) &&
                    total <= (int64_t{1} << 48);
    if (!plausible) {
        H5Dclose(dset_);
        H5Fclose(file_);
        dset_ = file_ = -1;
        throw UserError("HDF5 dataset '" + array_name + "' in '" + path + "' claims an implausible shape (over 2^48 elements); the file is damaged");
    }
    // direct chunk reads: uint8, chunk = one row, filters: none or deflate only
    hid_t dcpl = H5Dget_create_plist(dset_);
    hid_t type = H5Dget_type(dset_);
    if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 1) {
        std::vector<hsize_t> ch(dims_.size());
        if (H5Pget_chunk(dcpl, static_cast<int>(ch.size()), ch.data()) == static_cast<int>(ch.size())) {
            bool row = ch[0] == 1;
            for (size_t i = 1; i < ch.size(); ++i) row = row && static_cast<int64_t>(ch[i]) == dims_[i];
            const int nf = H5Pget_nfilters(dcpl);
            unsigned flags = 0;
            size_t nelem = 0;
            unsigned cd[8];
            char name[64];
            if (row && nf == 0) direct_ok_ = true;
            if (row && nf == 1 && H5Pget_filter2(dcpl, 0, &flags, &nelem, cd, sizeof name, name, nullptr) == H5Z_FILTER_DEFLATE)
                direct_ok_ = deflate_ = true;
        }
    }
    H5Tclose(type);
    H5Pclose(dcpl);
}

H5ArrayReader::~H5ArrayReader() {
    if (dset_ >= 0) H5Dclose(dset_);
    if (file_ >= 0) H5Fclose(file_);
}

int64_t H5ArrayReader::row_elems() const {
    int64_t n = 1;
    for (size_t i = 1; i < dims_.size(); ++i) n *= dims_[i];
    return n;
}

bool H5ArrayReader::is_integer_or_float() const {
    hid_t t = H5Dget_type(dset_);
    const H5T_class_t cls = H5Tget_class(t);
    H5Tclose(t);
    return cls == H5T_INTEGER || cls == H5T_FLOAT;
}

void H5ArrayReader::read(int64_t start, int64_t count, int64_t mem_type, void* out) const {
    if (start < 0 || count < 0 || start + count > dims_[0]) throw std::out_of_range("H5ArrayReader: row range");
    if (!is_integer_or_float()) throw UserError("HDF5 dataset '" + name_ + "' in '" + path_ + "' is not numeric");
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<hsize_t> off(dims_.size(), 0), cnt(dims_.begin(), dims_.end());
    off[0] = static_cast<hsize_t>(start);
    cnt[0] = static_cast<hsize_t>(count);
    hid_t fs = H5Dget_space(dset_);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off.data(), nullptr, cnt.data(), nullptr);
    hid_t ms = H5Screate_simple(static_cast<int>(cnt.size()), cnt.data(), nullptr);
    herr_t r = H5Dread(dset_, mem_type, ms, fs, H5P_DEFAULT, out);
    H5Sclose(ms);
    H5Sclose(fs);
    if (r < 0)
        throw UserError("cannot read rows " + std::to_string(start) + ".." + std::to_string(start + count - 1) + " of '" +
                        name_ + "' in '" + path_ + "' (corrupt or truncated file?)");
}

bool H5ArrayReader::read_row_direct(int64_t row, uint8_t* out) const {
    if (!direct_ok_) return false;
    if (row < 0 || row >= dims_[0]) throw std::out_of_range("H5ArrayReader: row");
    const size_t raw = static_cast<size_t>(row_elems());
    thread_local std::vector<uint8_t> buf;
    std::vector<hsize_t> off(dims_.size(), 0);
    off[0] = static_cast<hsize_t>(row);
    uint32_t mask = 0;
    hsize_t bytes = 0;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (H5Dget_chunk_storage_size(dset_, off.data(), &bytes) < 0 || bytes == 0) return false;  // unallocated: let HDF5 fill
        buf.resize(static_cast<size_t>(bytes));
        if (H5Dread_chunk(dset_, H5P_DEFAULT, off.data(), &mask, buf.data()) < 0)
            throw UserError("cannot read row " + std::to_string(row) + " of '" + name_ + "' in '" + path_ + "' (corrupt file?)");
    }
    if (!deflate_ || (mask & 1u)) {  // stored without compression
        if (bytes != raw) throw UserError("'" + path_ + "': chunk " + std::to_string(row) + " has the wrong size (corrupt file?)");
        std::memcpy(out, buf.data(), raw);
        return true;
    }
    uLongf out_len = static_cast<uLongf>(raw);
    if (uncompress(out, &out_len, buf.data(), static_cast<uLong>(bytes)) != Z_OK || out_len != raw)
        throw UserError("'" + path_ + "': chunk " + std::to_string(row) + " does not inflate (corrupt file?)");
    return true;
}

void H5ArrayReader::read_u8(int64_t start, int64_t count, uint8_t* out) const { read(start, count, H5T_NATIVE_UINT8, out); }
void H5ArrayReader::read_f64(int64_t start, int64_t count, double* out) const { read(start, count, H5T_NATIVE_DOUBLE, out); }

std::vector<std::string> H5ArrayReader::string_list_attr(const std::string& name) const {
    std::vector<std::string> out;
    if (H5Aexists(dset_, name.c_str()) <= 0) return out;
    hid_t a = H5Aopen(dset_, name.c_str(), H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    hid_t s = H5Aget_space(a);
    const hssize_t n = H5Sget_simple_extent_npoints(s);
    if (H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
        const size_t width = H5Tget_size(t);
        std::vector<char> buf(width * static_cast<size_t>(n) + 1, '\0');
        hid_t mt = H5Tcopy(t);
        if (H5Aread(a, mt, buf.data()) >= 0)
            for (hssize_t i = 0; i < n; ++i) {
                const char* p = buf.data() + static_cast<size_t>(i) * width;
                out.emplace_back(p, strnlen(p, width));
            }
        H5Tclose(mt);
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
    return out;
}

std::string H5ArrayReader::string_attr(const std::string& name) const {
    auto v = string_list_attr(name);
    return v.empty() ? std::string() : v[0];
}

std::vector<int64_t> H5ArrayReader::int_list_attr(const std::string& name) const {
    std::vector<int64_t> out;
    if (H5Aexists(dset_, name.c_str()) <= 0) return out;
    hid_t a = H5Aopen(dset_, name.c_str(), H5P_DEFAULT);
    hid_t s = H5Aget_space(a);
    out.resize(static_cast<size_t>(H5Sget_simple_extent_npoints(s)));
    if (H5Aread(a, H5T_NATIVE_INT64, out.data()) < 0) out.clear();
    H5Sclose(s);
    H5Aclose(a);
    return out;
}

bool h5_is_hdf5(const std::string& path) {
    quiet();
    return H5Fis_hdf5(path.c_str()) > 0;
}

}  // namespace disent::data
