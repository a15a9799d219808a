#include "io/png.hpp"

#include <png.h>

#include <csetjmp>
#include <cstring>
#include <stdexcept>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

// libpng reports errors by longjmp'ing back to a setjmp point. Jumping over C++ frames that own
// objects with destructors is undefined behaviour, so every function below that calls setjmp keeps
// only trivially destructible locals (raw pointers, ints), and all allocation (the output string,
// pixel buffers, row pointers) is owned by the plain C++ callers outside the setjmp region.

namespace disent::io {

namespace {

constexpr size_t kMaxDecodedBytes = size_t(1) << 31;  // refuse absurd headers before allocating

// Error channel shared with libpng callbacks: a fixed buffer, so reporting needs no allocation.
struct PngError {
    char msg[256] = {0};
};

void on_error(png_structp png, png_const_charp msg) {
    auto* err = static_cast<PngError*>(png_get_error_ptr(png));
    if (err) {
        std::strncpy(err->msg, msg ? msg : "unknown libpng error", sizeof(err->msg) - 1);
        err->msg[sizeof(err->msg) - 1] = '\0';
    }
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // warnings (e.g. bad ancillary CRCs) are not fatal

// ---- encoding --------------------------------------------------------------------------------------

void write_to_string(png_structp png, png_bytep data, size_t len) {
    auto* out = static_cast<std::string*>(png_get_io_ptr(png));
    bool failed = false;
    try {
        out->append(reinterpret_cast<const char*>(data), len);
    } catch (...) {
        failed = true;  // never let a C++ exception unwind through libpng's C frames
    }
    if (failed) png_error(png, "out of memory");
}

void flush_nothing(png_structp) {}

// Returns false (with err->msg set) on failure. Only trivially destructible locals: see top of file.
bool encode_impl(const Image* img, std::string* out, PngError* err) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_error, on_warning);
    if (!png) {
        std::strcpy(err->msg, "png_create_write_struct failed");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        std::strcpy(err->msg, "png_create_info_struct failed");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    int color_type = img->channels == 1   ? PNG_COLOR_TYPE_GRAY
                     : img->channels == 3 ? PNG_COLOR_TYPE_RGB
                                          : PNG_COLOR_TYPE_RGBA;
    png_set_write_fn(png, out, write_to_string, flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(img->width), static_cast<png_uint_32>(img->height), 8, color_type,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const size_t stride = static_cast<size_t>(img->width) * img->channels;
    for (int y = 0; y < img->height; ++y) {
        // libpng's API is not const-correct; it does not modify the row.
        png_write_row(png, const_cast<png_bytep>(img->pixels.data() + stride * y));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

// ---- decoding --------------------------------------------------------------------------------------

struct MemReader {
    const unsigned char* data;
    size_t size;
    size_t pos;
};

void read_from_memory(png_structp png, png_bytep out, size_t len) {
    auto* r = static_cast<MemReader*>(png_get_io_ptr(png));
    if (len > r->size - r->pos) png_error(png, "unexpected end of data (truncated file)");
    std::memcpy(out, r->data + r->pos, len);
    r->pos += len;
}

// The read struct outlives two setjmp regions (header, then rows), so a plain C++ owner frees it.
struct ReadStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~ReadStructs() {
        if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    }
};

struct Header {
    png_uint_32 width, height;
    int channels;
    size_t rowbytes;
};

// Reads the header and configures transforms to 8-bit grey / RGB / RGBA.
bool read_header_impl(ReadStructs* rs, MemReader* reader, Header* hdr) {
    png_structp png = rs->png;
    png_infop info = rs->info;
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_read_fn(png, reader, read_from_memory);
    png_set_user_limits(png, 1u << 20, 1u << 20);
    png_read_info(png, info);
    int color_type = png_get_color_type(png, info);
    png_set_expand(png);    // palette -> RGB, grey < 8 bit -> 8 bit, tRNS -> alpha
    png_set_strip_16(png);  // 16 -> 8 bit
    bool grey = (color_type & PNG_COLOR_MASK_COLOR) == 0;
    bool alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS);
    if (grey && alpha) png_set_gray_to_rgb(png);  // Image has no grey+alpha layout
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    hdr->width = png_get_image_width(png, info);
    hdr->height = png_get_image_height(png, info);
    hdr->channels = png_get_channels(png, info);
    hdr->rowbytes = png_get_rowbytes(png, info);
    return true;
}

bool read_rows_impl(ReadStructs* rs, png_bytepp rows) {
    png_structp png = rs->png;
    if (setjmp(png_jmpbuf(png))) return false;
    png_read_image(png, rows);
    png_read_end(png, nullptr);
    return true;
}

}  // namespace

void check_image(const Image& img) {
    if (img.width <= 0 || img.height <= 0) {
        throw std::invalid_argument("image has non-positive size " + std::to_string(img.width) + "x" +
                                    std::to_string(img.height));
    }
    if (img.channels != 1 && img.channels != 3 && img.channels != 4) {
        throw std::invalid_argument("image has " + std::to_string(img.channels) +
                                    " channels; expected 1 (grey), 3 (RGB) or 4 (RGBA)");
    }
    size_t expected = static_cast<size_t>(img.width) * img.height * img.channels;
    if (img.pixels.size() != expected) {
        throw std::invalid_argument("image " + std::to_string(img.width) + "x" + std::to_string(img.height) + "x" +
                                    std::to_string(img.channels) + " has " + std::to_string(img.pixels.size()) +
                                    " bytes; expected " + std::to_string(expected));
    }
}

std::string encode_png(const Image& img) {
    check_image(img);
    std::string out;
    out.reserve(img.pixels.size() / 2 + 1024);
    PngError err;
    if (!encode_impl(&img, &out, &err)) throw std::runtime_error(std::string("PNG encoding failed: ") + err.msg);
    return out;
}

void write_png(const std::string& path, const Image& img) { write_file_atomic(path, encode_png(img)); }

Image decode_png(const std::string& bytes, const std::string& source) {
    auto fail = [&](const std::string& why) -> UserError {
        return UserError("cannot decode '" + source + "': " + why);
    };
    if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0) {
        throw fail("not a PNG file (bad signature)");
    }
    PngError err;
    ReadStructs rs;
    rs.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning);
    if (!rs.png) throw std::runtime_error("png_create_read_struct failed");
    rs.info = png_create_info_struct(rs.png);
    if (!rs.info) throw std::runtime_error("png_create_info_struct failed");

    MemReader reader{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), 0};
    Header hdr{};
    if (!read_header_impl(&rs, &reader, &hdr)) throw fail(std::string("corrupt PNG: ") + err.msg);
    if (hdr.channels != 1 && hdr.channels != 3 && hdr.channels != 4) {
        throw fail("unsupported PNG layout (" + std::to_string(hdr.channels) + " channels)");
    }
    size_t total = static_cast<size_t>(hdr.width) * hdr.height * static_cast<size_t>(hdr.channels);
    if (hdr.rowbytes != static_cast<size_t>(hdr.width) * hdr.channels || total > kMaxDecodedBytes) {
        throw fail("unsupported or oversized PNG (" + std::to_string(hdr.width) + "x" + std::to_string(hdr.height) +
                   ")");
    }
    Image img(static_cast<int>(hdr.width), static_cast<int>(hdr.height), hdr.channels);
    std::vector<png_bytep> rows(hdr.height);
    for (png_uint_32 y = 0; y < hdr.height; ++y) rows[y] = img.pixels.data() + hdr.rowbytes * y;
    if (!read_rows_impl(&rs, rows.data())) throw fail(std::string("corrupt PNG: ") + err.msg);
    return img;
}

Image read_png(const std::string& path) { return decode_png(read_file(path), path); }

}  // namespace disent::io
