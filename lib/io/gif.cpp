#include "io/gif.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>

#include "io/atomic_file.hpp"

namespace disent::io {

namespace {

// Accumulates variable-width codes LSB-first, as GIF requires.
class BitWriter {
public:
    explicit BitWriter(std::string& out) : out_(out) {}
    void put(uint32_t code, int bits) {
        acc_ |= static_cast<uint64_t>(code) << nbits_;
        nbits_ += bits;
        while (nbits_ >= 8) {
            out_.push_back(static_cast<char>(acc_ & 0xff));
            acc_ >>= 8;
            nbits_ -= 8;
        }
    }
    void flush() {
        if (nbits_ > 0) out_.push_back(static_cast<char>(acc_ & 0xff));
        acc_ = 0;
        nbits_ = 0;
    }

private:
    std::string& out_;
    uint64_t acc_ = 0;
    int nbits_ = 0;
};

// String table of the LZW encoder: maps (prefix code, next index) -> code. Open addressing over a
// fixed power-of-two table twice the maximum number of codes, so lookups stay short and a reset
// (every 4096 codes) is a cheap fill.
class LzwTable {
public:
    LzwTable() { reset(); }
    void reset() { keys_.fill(kEmpty); }
    // Returns the code for (prefix, c) or -1.
    int find(uint32_t prefix, uint8_t c) const {
        uint32_t key = (prefix << 8) | c;
        for (uint32_t h = hash(key);; h = (h + 1) & kMask) {
            if (keys_[h] == kEmpty) return -1;
            if (keys_[h] == key) return codes_[h];
        }
    }
    void insert(uint32_t prefix, uint8_t c, int code) {
        uint32_t key = (prefix << 8) | c;
        uint32_t h = hash(key);
        while (keys_[h] != kEmpty) h = (h + 1) & kMask;
        keys_[h] = key;
        codes_[h] = static_cast<uint16_t>(code);
    }

private:
    static constexpr uint32_t kSize = 8192, kMask = kSize - 1, kEmpty = 0xffffffffu;
    static uint32_t hash(uint32_t key) { return (key * 2654435761u) >> 19; }  // top 13 bits
    std::array<uint32_t, kSize> keys_;
    std::array<uint16_t, kSize> codes_{};
};

void put_u16(std::string& out, unsigned v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>((v >> 8) & 0xff));
}

using Palette = std::array<std::array<uint8_t, 3>, 256>;

// Uniform 6x7x6 cube (the eye is most sensitive to green, so it gets the extra level); index
// r*42 + g*6 + b. The 4 spare entries stay black.
constexpr int kCubeR = 6, kCubeG = 7, kCubeB = 6;

uint8_t cube_level(int i, int levels) { return static_cast<uint8_t>((i * 255 + (levels - 1) / 2) / (levels - 1)); }
int cube_index(uint8_t v, int levels) { return (v * (levels - 1) + 127) / 255; }  // nearest level

Palette cube_palette() {
    Palette p{};
    for (int r = 0; r < kCubeR; ++r)
        for (int g = 0; g < kCubeG; ++g)
            for (int b = 0; b < kCubeB; ++b)
                p[r * kCubeG * kCubeB + g * kCubeB + b] = {cube_level(r, kCubeR), cube_level(g, kCubeG),
                                                           cube_level(b, kCubeB)};
    return p;
}

uint32_t rgb_key(const uint8_t* px, int channels) {
    if (channels == 1) return (uint32_t(px[0]) << 16) | (uint32_t(px[0]) << 8) | px[0];
    return (uint32_t(px[0]) << 16) | (uint32_t(px[1]) << 8) | px[2];
}

// Palette plus per-frame index images.
struct Quantised {
    Palette palette{};
    std::vector<std::vector<uint8_t>> indices;
};

Quantised quantise(const std::vector<Image>& frames) {
    Quantised q;
    const size_t npix = static_cast<size_t>(frames[0].width) * frames[0].height;
    // Exact palette when the animation uses few colours (grey or flat-shaded synthetic data).
    std::unordered_map<uint32_t, uint8_t> exact;
    bool fits = true;
    for (const Image& f : frames) {
        for (size_t i = 0; i < npix && fits; ++i) {
            uint32_t k = rgb_key(f.pixels.data() + i * f.channels, f.channels);
            if (exact.count(k)) continue;
            if (exact.size() == 256) {
                fits = false;
                break;
            }
            exact.emplace(k, 0);
        }
        if (!fits) break;
    }
    if (fits) {
        // Sorted so the palette (and so the file) does not depend on hash-map iteration order.
        std::vector<uint32_t> colours;
        for (auto& kv : exact) colours.push_back(kv.first);
        std::sort(colours.begin(), colours.end());
        for (size_t i = 0; i < colours.size(); ++i) {
            exact[colours[i]] = static_cast<uint8_t>(i);
            q.palette[i] = {uint8_t(colours[i] >> 16), uint8_t(colours[i] >> 8), uint8_t(colours[i])};
        }
    } else {
        q.palette = cube_palette();
    }
    for (const Image& f : frames) {
        std::vector<uint8_t> idx(npix);
        for (size_t i = 0; i < npix; ++i) {
            const uint8_t* px = f.pixels.data() + i * f.channels;
            if (fits) {
                idx[i] = exact[rgb_key(px, f.channels)];
            } else {
                uint8_t r = px[0], g = f.channels == 1 ? px[0] : px[1], b = f.channels == 1 ? px[0] : px[2];
                idx[i] = static_cast<uint8_t>(cube_index(r, kCubeR) * kCubeG * kCubeB + cube_index(g, kCubeG) * kCubeB +
                                              cube_index(b, kCubeB));
            }
        }
        q.indices.push_back(std::move(idx));
    }
    return q;
}

}  // namespace

std::string gif_lzw_encode(const std::vector<uint8_t>& indices, int min_code_size) {
    if (min_code_size < 2 || min_code_size > 8)
        throw std::invalid_argument("gif_lzw_encode: min_code_size must be 2..8");
    const uint32_t clear = 1u << min_code_size, eoi = clear + 1;
    for (uint8_t v : indices) {
        if (v >= clear) throw std::invalid_argument("gif_lzw_encode: index exceeds the code size");
    }
    constexpr int kMaxBits = 12;
    constexpr uint32_t kMaxCodes = 1u << kMaxBits;
    std::string out;
    BitWriter bits(out);
    LzwTable table;
    int code_size = min_code_size + 1;
    uint32_t next = eoi + 1;
    bits.put(clear, code_size);
    if (indices.empty()) {
        bits.put(eoi, code_size);
        bits.flush();
        return out;
    }
    // Emit a data code. `next` equals the table size the decoder will have once it has processed this
    // code, so the width grows exactly when the decoder's does (this also covers the code before EOI).
    auto emit = [&](uint32_t code) {
        bits.put(code, code_size);
        if (next >= (1u << code_size) && code_size < kMaxBits) ++code_size;
    };
    uint32_t w = indices[0];
    for (size_t i = 1; i < indices.size(); ++i) {
        uint8_t c = indices[i];
        int found = table.find(w, c);
        if (found >= 0) {
            w = static_cast<uint32_t>(found);
            continue;
        }
        emit(w);
        if (next < kMaxCodes) {
            table.insert(w, c, static_cast<int>(next++));
        } else {
            // Table full: start over (the decoder has also filled its table at this point).
            bits.put(clear, code_size);
            table.reset();
            code_size = min_code_size + 1;
            next = eoi + 1;
        }
        w = c;
    }
    emit(w);
    bits.put(eoi, code_size);
    bits.flush();
    return out;
}

std::string encode_gif(const std::vector<Image>& frames, int delay_centiseconds) {
    if (frames.empty()) throw std::invalid_argument("encode_gif: no frames");
    if (delay_centiseconds < 0 || delay_centiseconds > 65535) {
        throw std::invalid_argument("encode_gif: delay must be 0..65535 centiseconds");
    }
    for (const Image& f : frames) {
        check_image(f);
        if (f.width != frames[0].width || f.height != frames[0].height || f.channels != frames[0].channels) {
            throw std::invalid_argument("encode_gif: frames differ in size or channels");
        }
    }
    const int w = frames[0].width, h = frames[0].height;
    if (w > 65535 || h > 65535) throw std::invalid_argument("encode_gif: frames larger than 65535 pixels");

    Quantised q = quantise(frames);
    std::string out = "GIF89a";
    // Logical screen descriptor: global colour table present (0x80), colour resolution 8 bits (0x70),
    // table size 2^(7+1) = 256 (0x07); background index 0; no aspect ratio.
    put_u16(out, w);
    put_u16(out, h);
    out.push_back(static_cast<char>(0xF7));
    out.push_back(0);
    out.push_back(0);
    for (const auto& rgb : q.palette)
        for (uint8_t v : rgb) out.push_back(static_cast<char>(v));
    // NETSCAPE2.0 application extension: loop count 0 = forever.
    out += std::string("\x21\xFF\x0B", 3) + "NETSCAPE2.0";
    out += std::string("\x03\x01\x00\x00\x00", 5);
    for (const auto& idx : q.indices) {
        // Graphic control extension: disposal 1 (leave frame in place; every frame is full-size and
        // opaque anyway), no transparency, the delay.
        out += std::string("\x21\xF9\x04\x04", 4);
        put_u16(out, static_cast<unsigned>(delay_centiseconds));
        out.push_back(0);  // transparent colour index (unused)
        out.push_back(0);  // block terminator
        // Image descriptor: full frame at (0, 0), no local colour table, not interlaced.
        out.push_back(0x2C);
        put_u16(out, 0);
        put_u16(out, 0);
        put_u16(out, w);
        put_u16(out, h);
        out.push_back(0);
        out.push_back(8);  // LZW minimum code size for 8-bit indices
        std::string lzw = gif_lzw_encode(idx, 8);
        for (size_t pos = 0; pos < lzw.size(); pos += 255) {  // data sub-blocks of at most 255 bytes
            size_t n = std::min<size_t>(255, lzw.size() - pos);
            out.push_back(static_cast<char>(n));
            out.append(lzw, pos, n);
        }
        out.push_back(0);
    }
    out.push_back(0x3B);  // trailer
    return out;
}

void write_gif(const std::string& path, const std::vector<Image>& frames, int delay_centiseconds) {
    write_file_atomic(path, encode_gif(frames, delay_centiseconds));
}

}  // namespace disent::io
