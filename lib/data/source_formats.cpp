#include "data/source_formats.hpp"

#include <matio.h>
#include <zip.h>
#include <zlib.h>

#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace disent::data {

// ---- SmallNORB -------------------------------------------------------------------------------------

namespace {
size_t norb_itemsize(uint32_t magic) {
    switch (magic) {
        case kNorbU8: return 1;
        case kNorbI16: return 2;
        case kNorbI32: return 4;
        case kNorbF32: return 4;
        case kNorbF64: return 8;
        default: return 0;
    }
}

struct Gz {
    gzFile f = nullptr;
    ~Gz() {
        if (f) gzclose(f);
    }
};

void gz_read_exact(gzFile f, void* out, size_t n, const std::string& path, const char* what) {
    char* p = static_cast<char*>(out);
    while (n > 0) {
        const unsigned take = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
        const int r = gzread(f, p, take);
        if (r < 0) {
            int code = 0;
            const char* msg = gzerror(f, &code);
            throw UserError("'" + path + "': corrupt compressed data while reading the " + what + " (" + msg + ")");
        }
        if (r == 0) throw UserError("'" + path + "': truncated file (ends inside the " + std::string(what) + ")");
        p += r;
        n -= static_cast<size_t>(r);
    }
}

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
}  // namespace

size_t NorbMatrix::itemsize() const { return norb_itemsize(magic); }

std::vector<int64_t> NorbMatrix::as_int64() const {
    std::vector<int64_t> out;
    const size_t n = data.size() / std::max<size_t>(1, itemsize());
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = data.data() + i * itemsize();
        if (magic == kNorbU8) out.push_back(p[0]);
        else if (magic == kNorbI32) out.push_back(static_cast<int32_t>(le32(p)));
        else if (magic == kNorbI16) out.push_back(static_cast<int16_t>(uint16_t(p[0]) | uint16_t(p[1]) << 8));
        else throw std::invalid_argument("NorbMatrix::as_int64: not an integer matrix");
    }
    return out;
}

NorbMatrix read_norb_matrix(const std::string& path) {
    Gz gz;
    gz.f = gzopen(path.c_str(), "rb");  // reads plain files transparently
    if (!gz.f) throw UserError("cannot open '" + path + "'");
    uint8_t head[8];
    gz_read_exact(gz.f, head, 8, path, "header");
    NorbMatrix m;
    m.magic = le32(head);
    if (norb_itemsize(m.magic) == 0)
        throw UserError("'" + path + "' is not a SmallNORB binary matrix (bad magic number)");
    const int32_t ndim = static_cast<int32_t>(le32(head + 4));
    if (ndim < 1 || ndim > 16) throw UserError("'" + path + "': implausible number of dimensions " + std::to_string(ndim));
    const int nd_stored = std::max(3, ndim);
    std::vector<uint8_t> dbuf(static_cast<size_t>(nd_stored) * 4);
    gz_read_exact(gz.f, dbuf.data(), dbuf.size(), path, "header");
    uint64_t total = norb_itemsize(m.magic);
    for (int i = 0; i < ndim; ++i) {
        const int32_t d = static_cast<int32_t>(le32(dbuf.data() + 4 * i));
        if (d <= 0) throw UserError("'" + path + "': dimension " + std::to_string(i) + " is " + std::to_string(d));
        m.dims.push_back(d);
        total *= static_cast<uint64_t>(d);
        if (total > (uint64_t{1} << 40)) throw UserError("'" + path + "': implausible matrix size");
    }
    // grow the buffer as data arrives instead of trusting the header: a corrupted header must not make
    // us allocate hundreds of GB before finding the file short (found by fuzz_sources)
    const size_t chunk = size_t{64} << 20;
    for (uint64_t have = 0; have < total;) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk, total - have));
        m.data.resize(static_cast<size_t>(have) + n);
        gz_read_exact(gz.f, m.data.data() + have, n, path, "data");
        have += n;
    }
    char extra;
    const int r = gzread(gz.f, &extra, 1);
    if (r < 0) throw UserError("'" + path + "': corrupt compressed data");
    if (r > 0) throw UserError("'" + path + "': unexpected data after the matrix");
    const int rc = gzclose(gz.f);
    gz.f = nullptr;
    if (rc != Z_OK) throw UserError("'" + path + "': corrupt or truncated gzip stream");
    return m;
}

std::string encode_norb_matrix(uint32_t magic, const std::vector<int64_t>& dims, const void* data) {
    std::string out;
    auto put = [&](uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    put(magic);
    put(static_cast<uint32_t>(dims.size()));
    uint64_t n = norb_itemsize(magic);
    for (size_t i = 0; i < std::max<size_t>(3, dims.size()); ++i) {
        put(i < dims.size() ? static_cast<uint32_t>(dims[i]) : 1u);
        if (i < dims.size()) n *= static_cast<uint64_t>(dims[i]);
    }
    out.append(static_cast<const char*>(data), static_cast<size_t>(n));
    return out;
}

// ---- MATLAB ----------------------------------------------------------------------------------------

namespace {
// matio happily returns partial data from a truncated compressed element, so walk the element tags of the
// level-5 file first: every element must lie entirely inside the file.
void check_mat5_complete(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw UserError("cannot open '" + path + "'");
    f.seekg(0, std::ios::end);
    const uint64_t size = static_cast<uint64_t>(f.tellg());
    if (size < 128) throw UserError("'" + path + "' is too short for a MATLAB v5 .mat file (truncated?)");
    char hdr[128];
    f.seekg(0);
    f.read(hdr, 128);
    if (hdr[126] != 'I' || hdr[127] != 'M') return;  // big-endian or not v5: leave it to matio
    uint64_t off = 128;
    while (off < size) {
        if (off + 8 > size) throw UserError("'" + path + "': truncated MATLAB file (incomplete element tag)");
        uint8_t tag[8];
        f.seekg(static_cast<std::streamoff>(off));
        f.read(reinterpret_cast<char*>(tag), 8);
        const uint32_t type = le32(tag), nbytes = le32(tag + 4);
        if ((type >> 16) != 0) {  // small data element: 8 bytes in all
            off += 8;
            continue;
        }
        uint64_t len = nbytes;
        if (type != 15) len = (len + 7) / 8 * 8;  // uncompressed elements are padded to 8 bytes
        if (off + 8 + len > size + (type != 15 ? 7 : 0))
            throw UserError("'" + path + "': truncated MATLAB file (an element needs " + std::to_string(8 + len) +
                            " bytes at offset " + std::to_string(off) + ", the file has " + std::to_string(size) + ")");
        off += 8 + len;
    }
}
}  // namespace

MatU8Array read_mat_u8(const std::string& path, const std::string& var) {
    check_mat5_complete(path);
    mat_t* mat = Mat_Open(path.c_str(), MAT_ACC_RDONLY);
    if (!mat) throw UserError("cannot open '" + path + "' as a MATLAB .mat file (missing, corrupt or truncated)");
    matvar_t* v = Mat_VarRead(mat, var.c_str());
    if (!v) {
        Mat_Close(mat);
        throw UserError("'" + path + "': no readable variable '" + var + "' (corrupt or truncated file?)");
    }
    MatU8Array out;
    const bool ok = v->class_type == MAT_C_UINT8 && v->data_type == MAT_T_UINT8 && !v->isComplex && v->data;
    if (ok) {
        size_t n = 1;
        for (int i = 0; i < v->rank; ++i) {
            out.dims.push_back(static_cast<int64_t>(v->dims[i]));
            n *= v->dims[i];
        }
        out.data.assign(static_cast<const uint8_t*>(v->data), static_cast<const uint8_t*>(v->data) + n);
    }
    Mat_VarFree(v);
    Mat_Close(mat);
    if (!ok) throw UserError("'" + path + "': variable '" + var + "' is not a real uint8 array");
    return out;
}

// ---- npz stream ------------------------------------------------------------------------------------

NpzMemberStream::NpzMemberStream(const std::string& path, const std::string& array_name) : path_(path) {
    where_ = "'" + path + "' array '" + array_name + "'";
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!z) throw UserError("cannot open '" + path + "' as an .npz (missing, not a zip, or truncated)");
    zip_ = z;
    const std::string member = array_name + ".npy";
    const zip_int64_t idx = zip_name_locate(z, member.c_str(), 0);
    if (idx < 0) {
        zip_close(z);
        zip_ = nullptr;
        throw UserError("'" + path + "' has no array '" + array_name + "'");
    }
    zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(idx), 0);
    if (!f) {
        zip_close(z);
        zip_ = nullptr;
        throw UserError(where_ + ": cannot open member (corrupt npz?)");
    }
    file_ = f;
    std::string head(12, '\0');
    read(head.data(), 8);
    const size_t prefix = io::npy_prefix_size(head.data(), 8, where_);
    read(head.data() + 8, prefix - 8);
    size_t hlen = 0;
    for (size_t i = prefix; i-- > 8;) hlen = (hlen << 8) | static_cast<unsigned char>(head[i]);
    if (hlen > (1u << 20)) throw UserError(where_ + ": implausible .npy header");
    head.resize(prefix + hlen);
    read(head.data() + prefix, hlen);
    if (!io::parse_npy_header(head.data(), head.size(), where_, info_)) throw UserError(where_ + ": truncated .npy header");
}

NpzMemberStream::~NpzMemberStream() {
    if (file_) zip_fclose(static_cast<zip_file_t*>(file_));
    if (zip_) zip_discard(static_cast<zip_t*>(zip_));
}

void NpzMemberStream::read(void* out, size_t n) {
    char* p = static_cast<char*>(out);
    while (n > 0) {
        const zip_int64_t r = zip_fread(static_cast<zip_file_t*>(file_), p, n);
        if (r < 0) throw UserError(where_ + ": corrupt data in npz (" + std::string(zip_file_strerror(static_cast<zip_file_t*>(file_))) + ")");
        if (r == 0) throw UserError(where_ + ": truncated array data");
        p += r;
        n -= static_cast<size_t>(r);
    }
}

void NpzMemberStream::finish() {
    char extra;
    const zip_int64_t r = zip_fread(static_cast<zip_file_t*>(file_), &extra, 1);
    if (r < 0) throw UserError(where_ + ": corrupt data in npz (CRC mismatch?)");
    if (r > 0) throw UserError(where_ + ": unexpected data after the array");
}

bool npz_has_array(const std::string& path, const std::string& name) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!z) return false;
    const bool has = zip_name_locate(z, (name + ".npy").c_str(), 0) >= 0;
    zip_discard(z);
    return has;
}

}  // namespace disent::data
