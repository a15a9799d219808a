#include "io/npy.hpp"

#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"

// NPY stores data in the byte order named by the dtype; we only support little-endian and copy bytes
// as-is, which is only correct on a little-endian host.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "disent::io npy code assumes a little-endian host");

namespace disent::io {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;
constexpr size_t kMaxHeaderLen = 1 << 20;  // NumPy itself refuses headers over 10000 bytes by default

const char* kSupported = "|b1 |u1 |i1 <u2 <i2 <u4 <i4 <u8 <i8 <f4 <f8";

size_t dtype_size(const std::string& canonical) {
    if (canonical.size() == 3) {
        char k = canonical[1], n = canonical[2];
        if ((k == 'b' || k == 'u' || k == 'i') && n == '1') return 1;
        if ((k == 'u' || k == 'i') && (n == '2' || n == '4' || n == '8')) return static_cast<size_t>(n - '0');
        if (k == 'f' && (n == '4' || n == '8')) return static_cast<size_t>(n - '0');
    }
    return 0;
}

// ---- a tiny parser for the Python literal that forms the header ----------------------------------
// e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 64, 64), }
struct PyValue {
    enum Kind { Str, Bool, Int, None, Tuple, List, Dict } kind = None;
    std::string str;
    bool b = false;
    int64_t i = 0;
    std::vector<PyValue> items;                            // Tuple, List
    std::vector<std::pair<std::string, PyValue>> entries;  // Dict (string keys only)
};

class PyLiteralParser {
public:
    PyLiteralParser(const std::string& text, const std::string& where) : s_(text), where_(where) {}

    PyValue parse() {
        PyValue v = value(0);
        skip_ws();
        if (pos_ != s_.size()) fail("unexpected text after the header dictionary");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw UserError(where_ + ": malformed .npy header (" + why + "): " + excerpt());
    }
    std::string excerpt() const {
        std::string e = s_.substr(0, 120);
        for (char& c : e)
            if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
        return "\"" + e + (s_.size() > 120 ? "...\"" : "\"");
    }
    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }
    bool eat(char c) {
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }

    PyValue value(int depth) {
        if (depth > 16) fail("nested too deeply");
        skip_ws();
        if (pos_ >= s_.size()) fail("unexpected end");
        char c = s_[pos_];
        if (c == '\'' || c == '"') {
            PyValue v;
            v.kind = PyValue::Str;
            v.str = string_lit();
            return v;
        }
        if (c == '(' || c == '[') return sequence(depth, c == '(' ? ')' : ']');
        if (c == '{') return dict(depth);
        if ((c >= '0' && c <= '9') || c == '-' || c == '+') return integer();
        if (std::isalpha(static_cast<unsigned char>(c))) {
            size_t start = pos_;
            while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
            std::string word = s_.substr(start, pos_ - start);
            PyValue v;
            if (word == "True" || word == "False") {
                v.kind = PyValue::Bool;
                v.b = word == "True";
            } else if (word == "None") {
                v.kind = PyValue::None;
            } else {
                fail("unknown name '" + word + "'");
            }
            return v;
        }
        fail(std::string("unexpected character '") + c + "'");
    }

    std::string string_lit() {
        char quote = s_[pos_++];
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != quote) {
            if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;  // keep the escaped character
            out.push_back(s_[pos_++]);
        }
        if (pos_ >= s_.size()) fail("unterminated string");
        ++pos_;
        return out;
    }

    PyValue integer() {
        bool neg = false;
        if (s_[pos_] == '+' || s_[pos_] == '-') neg = s_[pos_++] == '-';
        if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) fail("expected a number");
        uint64_t mag = 0;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
            uint64_t d = static_cast<uint64_t>(s_[pos_++] - '0');
            if (mag > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / 10) fail("number too large");
            mag = mag * 10 + d;
        }
        if (pos_ < s_.size() && (s_[pos_] == 'L' || s_[pos_] == 'l')) ++pos_;  // Python 2 long suffix
        PyValue v;
        v.kind = PyValue::Int;
        v.i = neg ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
        return v;
    }

    PyValue sequence(int depth, char close) {
        PyValue v;
        v.kind = close == ')' ? PyValue::Tuple : PyValue::List;
        ++pos_;
        if (eat(close)) return v;
        for (;;) {
            v.items.push_back(value(depth + 1));
            if (eat(close)) return v;
            expect(',');
            if (eat(close)) return v;  // trailing comma, as in "(5,)"
        }
    }

    PyValue dict(int depth) {
        PyValue v;
        v.kind = PyValue::Dict;
        ++pos_;
        if (eat('}')) return v;
        for (;;) {
            skip_ws();
            if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) fail("expected a string key");
            std::string key = string_lit();
            expect(':');
            v.entries.emplace_back(key, value(depth + 1));
            if (eat('}')) return v;
            expect(',');
            if (eat('}')) return v;
        }
    }

    const std::string& s_;
    const std::string& where_;
    size_t pos_ = 0;
};

uint32_t read_le(const char* p, int n) {
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

std::string shape_repr(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";
    return s + ")";
}

void check_array(const NpyArray& arr) {
    size_t item = arr.itemsize();  // throws for unsupported dtype
    for (int64_t d : arr.shape)
        if (d < 0) throw std::invalid_argument("npy: negative dimension in shape " + shape_repr(arr.shape));
    if (arr.data.size() != arr.numel() * item) {
        throw std::invalid_argument("npy: array " + arr.dtype + " " + shape_repr(arr.shape) + " has " +
                                    std::to_string(arr.data.size()) + " data bytes; expected " +
                                    std::to_string(arr.numel() * item));
    }
}

template <typename T>
NpyArray make_typed(const std::vector<T>& values, const std::vector<int64_t>& shape, const char* dtype) {
    NpyArray a;
    a.dtype = dtype;
    a.shape = shape;
    for (int64_t d : shape)
        if (d < 0) throw std::invalid_argument("make_array: negative dimension in shape " + shape_repr(shape));
    if (a.numel() != values.size()) {
        throw std::invalid_argument("make_array: shape " + shape_repr(shape) + " holds " + std::to_string(a.numel()) +
                                    " elements but " + std::to_string(values.size()) + " values were given");
    }
    a.data.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(a.data.data(), values.data(), a.data.size());
    return a;
}

template <typename T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Calls f(i, value) for each element, value as the widest type of its family.
template <typename F>
void for_each_value(const NpyArray& arr, F&& f) {
    check_array(arr);
    const uint8_t* p = arr.data.data();
    const size_t n = arr.numel();
    const std::string& t = arr.dtype;
    if (t == "|b1") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(p[i] != 0));
    } else if (t == "|u1") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(p[i]));
    } else if (t == "|i1") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(load<int8_t>(p + i)));
    } else if (t == "<u2") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(load<uint16_t>(p + 2 * i)));
    } else if (t == "<i2") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(load<int16_t>(p + 2 * i)));
    } else if (t == "<u4") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(load<uint32_t>(p + 4 * i)));
    } else if (t == "<i4") {
        for (size_t i = 0; i < n; ++i) f(i, int64_t(load<int32_t>(p + 4 * i)));
    } else if (t == "<i8") {
        for (size_t i = 0; i < n; ++i) f(i, load<int64_t>(p + 8 * i));
    } else if (t == "<u8") {
        for (size_t i = 0; i < n; ++i) f(i, load<uint64_t>(p + 8 * i));
    } else if (t == "<f4") {
        for (size_t i = 0; i < n; ++i) f(i, double(load<float>(p + 4 * i)));
    } else if (t == "<f8") {
        for (size_t i = 0; i < n; ++i) f(i, load<double>(p + 8 * i));
    }
}

}  // namespace

size_t NpyArray::numel() const {
    size_t n = 1;
    for (int64_t d : shape) n *= static_cast<size_t>(d < 0 ? 0 : d);
    return n;
}

size_t NpyArray::itemsize() const {
    size_t s = dtype_size(dtype);
    if (s == 0) throw std::invalid_argument("npy: unsupported dtype '" + dtype + "' (supported: " + kSupported + ")");
    return s;
}

std::string canonical_dtype(const std::string& descr, const std::string& where) {
    std::string d = descr;
    char order = '=';
    if (!d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
        order = d[0];
        d = d.substr(1);
    }
    size_t size = dtype_size("|" + d);
    if (size == 0) {
        throw UserError(where + ": unsupported dtype '" + descr + "' (supported: " + kSupported + ")");
    }
    if (size == 1) return "|" + d;
    if (order == '>') {
        throw UserError(where + ": big-endian dtype '" + descr +
                        "' is not supported; convert with arr.astype(arr.dtype.newbyteorder('<'))");
    }
    if (order == '|') throw UserError(where + ": invalid dtype '" + descr + "' (multi-byte type without byte order)");
    return "<" + d;
}

std::string npy_header(const NpyArray& arr) {
    check_array(arr);
    std::string dict = "{'descr': '" + canonical_dtype(arr.dtype) +
                       "', 'fortran_order': False, 'shape': " + shape_repr(arr.shape) + ", }";
    // Version 1.0 has a 16-bit header length; 2.0 widens it to 32 bits for huge headers.
    auto padded = [&](size_t prefix) {
        size_t pad = (kAlign - (prefix + dict.size() + 1) % kAlign) % kAlign;
        return dict + std::string(pad, ' ') + "\n";
    };
    size_t prefix = kMagicLen + 2 + 2;
    std::string header_text = padded(prefix);
    if (header_text.size() > 65535) {
        prefix = kMagicLen + 2 + 4;
        header_text = padded(prefix);
    }
    size_t hlen = header_text.size();

    std::string out(kMagic, kMagicLen);
    out.push_back(prefix == 10 ? 1 : 2);
    out.push_back(0);
    for (size_t i = 0; i < prefix - kMagicLen - 2; ++i) out.push_back(static_cast<char>((hlen >> (8 * i)) & 0xff));
    return out + header_text;
}

std::string encode_npy(const NpyArray& arr) {
    std::string out = npy_header(arr);
    out.append(reinterpret_cast<const char*>(arr.data.data()), arr.data.size());
    return out;
}

size_t npy_prefix_size(const char* data, size_t size, const std::string& where) {
    if (size < kMagicLen + 2 || std::memcmp(data, kMagic, kMagicLen) != 0) {
        throw UserError(where + ": not a .npy array (bad magic; truncated or corrupt)");
    }
    unsigned major = static_cast<unsigned char>(data[6]);
    if (major == 1) return kMagicLen + 2 + 2;
    if (major == 2 || major == 3) return kMagicLen + 2 + 4;
    throw UserError(where + ": unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(static_cast<unsigned char>(data[7])) + " (supported: 1.0, 2.0, 3.0)");
}

bool parse_npy_header(const char* data, size_t size, const std::string& where, NpyHeaderInfo& out) {
    size_t prefix = npy_prefix_size(data, size, where);
    if (size < prefix) return false;
    size_t hlen = read_le(data + kMagicLen + 2, static_cast<int>(prefix - kMagicLen - 2));
    if (hlen > kMaxHeaderLen) {
        throw UserError(where + ": .npy header length " + std::to_string(hlen) + " is implausible (corrupt file)");
    }
    if (size < prefix + hlen) return false;
    std::string text(data + prefix, hlen);
    PyValue dict = PyLiteralParser(text, where).parse();
    if (dict.kind != PyValue::Dict) throw UserError(where + ": malformed .npy header (not a dictionary)");
    const PyValue *descr = nullptr, *fortran = nullptr, *shape = nullptr;
    for (const auto& [k, v] : dict.entries) {
        if (k == "descr") descr = &v;
        if (k == "fortran_order") fortran = &v;
        if (k == "shape") shape = &v;
    }
    if (!descr || !fortran || !shape) {
        throw UserError(where + ": malformed .npy header (needs 'descr', 'fortran_order' and 'shape')");
    }
    if (descr->kind != PyValue::Str) {
        throw UserError(where + ": unsupported structured dtype (supported: " + kSupported + ")");
    }
    if (fortran->kind != PyValue::Bool) throw UserError(where + ": malformed .npy header ('fortran_order' not a bool)");
    if (shape->kind != PyValue::Tuple) throw UserError(where + ": malformed .npy header ('shape' not a tuple)");

    NpyHeaderInfo info;
    info.dtype = canonical_dtype(descr->str, where);
    size_t numel = 1;
    int non_trivial_dims = 0;
    for (const PyValue& d : shape->items) {
        if (d.kind != PyValue::Int || d.i < 0) {
            throw UserError(where + ": malformed .npy header (shape entries must be non-negative integers)");
        }
        info.shape.push_back(d.i);
        if (d.i > 1) ++non_trivial_dims;
        size_t dim = static_cast<size_t>(d.i);
        if (dim != 0 && numel > std::numeric_limits<size_t>::max() / dim) {
            throw UserError(where + ": .npy shape is too large (corrupt file)");
        }
        numel *= dim;
    }
    // Fortran and C order only differ when two or more dimensions exceed 1.
    if (fortran->b && non_trivial_dims > 1) {
        throw UserError(where + ": Fortran-ordered arrays are not supported; save np.ascontiguousarray(arr) instead");
    }
    size_t item = dtype_size(info.dtype);
    if (numel > std::numeric_limits<size_t>::max() / item)
        throw UserError(where + ": .npy shape is too large (corrupt file)");
    info.data_bytes = numel * item;
    info.header_bytes = prefix + hlen;
    out = std::move(info);
    return true;
}

NpyArray parse_npy(const std::string& bytes, const std::string& where) {
    NpyHeaderInfo info;
    if (!parse_npy_header(bytes.data(), bytes.size(), where, info)) {
        throw UserError(where + ": truncated .npy header");
    }
    size_t have = bytes.size() - info.header_bytes;
    if (have != info.data_bytes) {
        throw UserError(where + ": .npy data is " + std::to_string(have) + " bytes but dtype " + info.dtype +
                        " and shape " + shape_repr(info.shape) + " need " + std::to_string(info.data_bytes) +
                        (have < info.data_bytes ? " (truncated)" : " (trailing data)"));
    }
    NpyArray arr;
    arr.dtype = info.dtype;
    arr.shape = info.shape;
    arr.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(info.header_bytes), bytes.end());
    return arr;
}

NpyArray make_array(const std::vector<uint8_t>& v, const std::vector<int64_t>& s) { return make_typed(v, s, "|u1"); }
NpyArray make_array(const std::vector<int32_t>& v, const std::vector<int64_t>& s) { return make_typed(v, s, "<i4"); }
NpyArray make_array(const std::vector<int64_t>& v, const std::vector<int64_t>& s) { return make_typed(v, s, "<i8"); }
NpyArray make_array(const std::vector<float>& v, const std::vector<int64_t>& s) { return make_typed(v, s, "<f4"); }
NpyArray make_array(const std::vector<double>& v, const std::vector<int64_t>& s) { return make_typed(v, s, "<f8"); }
NpyArray make_array(const std::vector<uint8_t>& v) { return make_array(v, {static_cast<int64_t>(v.size())}); }
NpyArray make_array(const std::vector<int32_t>& v) { return make_array(v, {static_cast<int64_t>(v.size())}); }
NpyArray make_array(const std::vector<int64_t>& v) { return make_array(v, {static_cast<int64_t>(v.size())}); }
NpyArray make_array(const std::vector<float>& v) { return make_array(v, {static_cast<int64_t>(v.size())}); }
NpyArray make_array(const std::vector<double>& v) { return make_array(v, {static_cast<int64_t>(v.size())}); }

std::vector<double> as_doubles(const NpyArray& arr) {
    std::vector<double> out(arr.numel());
    for_each_value(arr, [&](size_t i, auto v) { out[i] = static_cast<double>(v); });
    return out;
}

std::vector<float> as_floats(const NpyArray& arr) {
    std::vector<float> out(arr.numel());
    for_each_value(arr, [&](size_t i, auto v) { out[i] = static_cast<float>(v); });
    return out;
}

std::vector<int64_t> as_int64(const NpyArray& arr) {
    std::vector<int64_t> out(arr.numel());
    for_each_value(arr, [&](size_t i, auto v) {
        using T = decltype(v);
        if constexpr (std::is_same_v<T, double>) {
            // 2^63 is exactly representable; valid values are in [-2^63, 2^63).
            if (!(std::isfinite(v) && v == std::trunc(v) && v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
                throw UserError("array element " + std::to_string(i) + " (" + std::to_string(v) + ", dtype " +
                                arr.dtype + ") is not an integer in int64 range");
            }
            out[i] = static_cast<int64_t>(v);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
            if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
                throw UserError("array element " + std::to_string(i) + " (" + std::to_string(v) +
                                ", dtype <u8) does not fit int64");
            }
            out[i] = static_cast<int64_t>(v);
        } else {
            out[i] = v;
        }
    });
    return out;
}

}  // namespace disent::io
