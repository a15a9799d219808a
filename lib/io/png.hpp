#pragma once
// PNG encoding/decoding with libpng. Figures (reconstructions, latent traversals, grids) are written
// as 8-bit PNGs; decoding exists for tests and tools that inspect what the runner produced.
#include <cstdint>
#include <string>
#include <vector>

namespace disent::io {

// An 8-bit image, row-major HWC: pixel (x, y) channel c is pixels[(y * width + x) * channels + c].
// channels: 1 = grey, 3 = RGB, 4 = RGBA.
struct Image {
    int width = 0, height = 0, channels = 0;
    std::vector<uint8_t> pixels;

    Image() = default;
    Image(int w, int h, int c, uint8_t fill = 0)
        : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c, fill) {}
    uint8_t* at(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * width + x) * channels; }
    const uint8_t* at(int x, int y) const { return pixels.data() + (static_cast<size_t>(y) * width + x) * channels; }
};

// Throws std::invalid_argument if the image is malformed (non-positive size, channels not 1/3/4,
// pixels.size() != width * height * channels): that is a bug in the caller, not bad user input.
void check_image(const Image& img);

// PNG file bytes of `img`.
std::string encode_png(const Image& img);
// Atomically write `img` as a PNG file (see atomic_file.hpp).
void write_png(const std::string& path, const Image& img);

// Decode PNG bytes to 8-bit grey / RGB / RGBA (palette -> RGB(A), 16-bit -> 8-bit, grey+alpha -> RGBA).
// `source` names the origin in error messages. UserError on non-PNG or corrupt data.
Image decode_png(const std::string& bytes, const std::string& source = "<memory>");
// Read and decode a PNG file. UserError if missing, not a PNG or corrupt.
Image read_png(const std::string& path);

}  // namespace disent::io
