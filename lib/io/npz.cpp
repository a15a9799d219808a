#include "io/npz.hpp"

#include <zip.h>

#include <cstring>
#include <deque>
#include <new>
#include <set>
#include <stdexcept>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace disent::io {

namespace {

constexpr time_t kFixedMtime = 946684800;  // 2000-01-01: reproducible archives

// Frees the archive on every exit path; read-only archives are simply discarded.
struct ZipHandle {
    zip_t* z = nullptr;
    ZipHandle() = default;
    ZipHandle(ZipHandle&& o) noexcept : z(o.z) { o.z = nullptr; }
    ZipHandle(const ZipHandle&) = delete;
    ZipHandle& operator=(const ZipHandle&) = delete;
    ~ZipHandle() {
        if (z) zip_discard(z);
    }
};
struct ZipFileHandle {
    zip_file_t* f = nullptr;
    ZipFileHandle() = default;
    ZipFileHandle(const ZipFileHandle&) = delete;
    ZipFileHandle& operator=(const ZipFileHandle&) = delete;
    ~ZipFileHandle() {
        if (f) zip_fclose(f);
    }
};

std::string zip_code_message(int code) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    std::string msg = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return msg;
}

std::string array_where(const std::string& path, const std::string& name) {
    return "'" + path + "' array '" + name + "'";
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- reading -----------------------------------------------------------------------------------------

ZipHandle open_archive(const std::string& path) {
    int code = 0;
    ZipHandle h;
    // ZIP_CHECKCONS: cross-check local and central headers, catching more corruption up front.
    h.z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!h.z) {
        std::string why = zip_code_message(code);
        if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS) why += " (truncated or not an .npz file)";
        throw UserError("cannot read npz '" + path + "': " + why);
    }
    return h;
}

struct Member {
    zip_uint64_t index;
    std::string name;  // without ".npy"
};

std::vector<Member> list_members(zip_t* z, const std::string& path) {
    zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0) throw UserError("cannot read npz '" + path + "': " + zip_strerror(z));
    std::vector<Member> out;
    std::set<std::string> seen;
    for (zip_int64_t i = 0; i < n; ++i) {
        const char* raw = zip_get_name(z, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
        if (!raw) throw UserError("cannot read npz '" + path + "': " + zip_strerror(z));
        std::string name = raw;
        if (!ends_with(name, ".npy")) continue;  // not an array (np.savez never writes these)
        name.resize(name.size() - 4);
        if (!seen.insert(name).second) {
            throw UserError("cannot read npz '" + path + "': duplicate member '" + name + ".npy' (corrupt file)");
        }
        out.push_back({static_cast<zip_uint64_t>(i), name});
    }
    return out;
}

// Read up to `n` bytes; returns the count read (short only at end of stream).
size_t read_some(zip_file_t* f, void* buf, size_t n, const std::string& where) {
    size_t got = 0;
    while (got < n) {
        zip_int64_t r = zip_fread(f, static_cast<char*>(buf) + got, n - got);
        if (r < 0) throw UserError(where + ": corrupt data in npz (" + std::string(zip_file_strerror(f)) + ")");
        if (r == 0) break;
        got += static_cast<size_t>(r);
    }
    return got;
}

NpyArray read_member(zip_t* z, const Member& m, const std::string& path) {
    const std::string where = array_where(path, m.name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, m.index, 0, &st) != 0) throw UserError(where + ": " + zip_strerror(z));
    const bool size_known = (st.valid & ZIP_STAT_SIZE) != 0;
    if (size_known && (st.valid & ZIP_STAT_COMP_SIZE) && (st.valid & ZIP_STAT_COMP_METHOD)) {
        // Bound the claimed size by what the compressed bytes could possibly expand to (deflate peaks at
        // ~1032:1), so a corrupt directory cannot make us allocate terabytes.
        bool implausible = (st.comp_method == ZIP_CM_STORE && st.size != st.comp_size) ||
                           (st.comp_method == ZIP_CM_DEFLATE && st.size / 1100 > st.comp_size + 1);
        if (implausible) throw UserError(where + ": corrupt npz (member sizes are inconsistent)");
    }
    ZipFileHandle f;
    f.f = zip_fopen_index(z, m.index, 0);
    if (!f.f) throw UserError(where + ": cannot open member (" + std::string(zip_strerror(z)) + ")");

    // Header first: read the fixed prefix, then the length it announces.
    std::string head(12, '\0');
    size_t got = read_some(f.f, head.data(), 8, where);
    if (got < 8) throw UserError(where + ": truncated .npy header");
    size_t prefix = npy_prefix_size(head.data(), got, where);
    got += read_some(f.f, head.data() + got, prefix - got, where);
    if (got < prefix) throw UserError(where + ": truncated .npy header");
    // The header length field is the last 2 (v1) or 4 (v2/3) bytes of the prefix, little-endian.
    size_t hlen = 0;
    for (size_t i = prefix; i-- > 8;) hlen = (hlen << 8) | static_cast<unsigned char>(head[i]);
    if (size_known && prefix + hlen > st.size) throw UserError(where + ": truncated .npy header");
    if (hlen > (1u << 20)) throw UserError(where + ": .npy header length " + std::to_string(hlen) + " is implausible");
    head.resize(prefix + hlen);
    if (read_some(f.f, head.data() + prefix, hlen, where) < hlen) throw UserError(where + ": truncated .npy header");
    NpyHeaderInfo info;
    if (!parse_npy_header(head.data(), head.size(), where, info)) throw UserError(where + ": truncated .npy header");

    if (size_known && st.size != info.header_bytes + info.data_bytes) {
        throw UserError(where + ": member is " + std::to_string(st.size) + " bytes but its header describes " +
                        std::to_string(info.header_bytes + info.data_bytes) + " (truncated or corrupt)");
    }
    NpyArray arr;
    arr.dtype = info.dtype;
    arr.shape = info.shape;
    try {
        arr.data.resize(info.data_bytes);
    } catch (const std::bad_alloc&) {
        throw UserError(where + ": array of " + std::to_string(info.data_bytes) + " bytes does not fit in memory");
    }
    if (read_some(f.f, arr.data.data(), arr.data.size(), where) < arr.data.size()) {
        throw UserError(where + ": truncated .npy data");
    }
    // Reading past the end makes libzip verify the CRC of the whole member.
    char extra;
    if (read_some(f.f, &extra, 1, where) != 0) throw UserError(where + ": unexpected trailing data after the array");
    return arr;
}

}  // namespace

// ---- writing -------------------------------------------------------------------------------------------

void write_npz(const std::string& path, const std::map<std::string, NpyArray>& arrays, bool compress) {
    for (const auto& [name, arr] : arrays) {
        if (name.empty()) throw std::invalid_argument("write_npz: empty array name");
        (void)arr;
    }
    if (arrays.empty()) {
        // libzip deletes archives without members instead of writing them; an empty zip is just the
        // end-of-central-directory record, which np.load accepts.
        write_file_atomic(path, std::string("PK\x05\x06", 4) + std::string(18, '\0'));
        return;
    }
    // Headers are built up front; array data is handed to libzip in place (no copy of large arrays).
    std::deque<std::string> headers;  // deque: element addresses stay valid as it grows
    for (const auto& [name, arr] : arrays) headers.push_back(npy_header(arr));

    write_file_atomic(path, [&](const std::string& tmp) {
        int code = 0;
        zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_EXCL, &code);
        if (!z) throw UserError("cannot write '" + path + "': " + zip_code_message(code));
        auto fail = [&](const std::string& why) {
            zip_discard(z);  // write_file_atomic removes anything left at `tmp`
            throw UserError("cannot write '" + path + "': " + why);
        };
        size_t k = 0;
        for (const auto& [name, arr] : arrays) {
            const std::string& header = headers[k++];
            zip_buffer_fragment_t frags[2];
            frags[0].data = reinterpret_cast<zip_uint8_t*>(const_cast<char*>(header.data()));
            frags[0].length = header.size();
            int nfrag = 1;
            if (!arr.data.empty()) {
                frags[1].data = const_cast<zip_uint8_t*>(arr.data.data());
                frags[1].length = arr.data.size();
                nfrag = 2;
            }
            zip_source_t* src = zip_source_buffer_fragment(z, frags, nfrag, 0);
            if (!src) fail(zip_strerror(z));
            zip_int64_t idx = zip_file_add(z, (name + ".npy").c_str(), src, ZIP_FL_ENC_UTF_8);
            if (idx < 0) {
                zip_source_free(src);
                fail(zip_strerror(z));
            }
            auto uidx = static_cast<zip_uint64_t>(idx);
            if (zip_set_file_compression(z, uidx, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0 ||
                zip_file_set_mtime(z, uidx, kFixedMtime, 0) != 0) {
                fail(zip_strerror(z));
            }
        }
        // zip_close does the actual writing (to its own temp file, renamed to `tmp`).
        if (zip_close(z) != 0) fail(zip_strerror(z));
    });
}

std::map<std::string, NpyArray> read_npz(const std::string& path) {
    ZipHandle h = open_archive(path);
    std::map<std::string, NpyArray> out;
    for (const Member& m : list_members(h.z, path)) out.emplace(m.name, read_member(h.z, m, path));
    return out;
}

std::map<std::string, NpyArray> read_npz(const std::string& path, const std::vector<std::string>& names) {
    ZipHandle h = open_archive(path);
    std::vector<Member> members = list_members(h.z, path);
    std::map<std::string, NpyArray> out;
    for (const std::string& want : names) {
        const Member* found = nullptr;
        for (const Member& m : members)
            if (m.name == want) found = &m;
        if (!found) {
            std::string have;
            for (const Member& m : members) have += (have.empty() ? "" : ", ") + m.name;
            throw UserError("npz '" + path + "' has no array '" + want +
                            "' (it has: " + (have.empty() ? "none" : have) + ")");
        }
        out.emplace(want, read_member(h.z, *found, path));
    }
    return out;
}

std::vector<std::string> npz_names(const std::string& path) {
    ZipHandle h = open_archive(path);
    std::vector<std::string> out;
    for (const Member& m : list_members(h.z, path)) out.push_back(m.name);
    return out;
}

}  // namespace disent::io
