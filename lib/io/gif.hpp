#pragma once
// Animated GIF output for latent traversal animations (the Python framework's "traversal" figures):
// GIF89a, looping forever (NETSCAPE2.0 extension), one global 256-colour palette, LZW written here.
#include <string>
#include <vector>

#include "io/png.hpp"

namespace disent::io {

// GIF file bytes. All frames must share size (at most 65535x65535) and channel count (1, 3 or 4;
// alpha is ignored). Palette: if all frames together use at most 256 distinct colours they are stored
// exactly (always true for grey images); otherwise colours are quantised to a uniform 6x7x6 RGB cube.
// delay_centiseconds (0..65535) is the time each frame is shown.
// Throws std::invalid_argument on no frames, mismatched or malformed frames, or an out-of-range delay.
std::string encode_gif(const std::vector<Image>& frames, int delay_centiseconds);

// Atomically write encode_gif(frames, delay_centiseconds) to `path`.
void write_gif(const std::string& path, const std::vector<Image>& frames, int delay_centiseconds);

// GIF LZW compression of palette indices (exposed for tests): the code stream for `indices` with the
// given minimum code size (2..8), starting with a clear code and ending with end-of-information,
// packed LSB-first into bytes but not yet split into sub-blocks.
std::string gif_lzw_encode(const std::vector<uint8_t>& indices, int min_code_size);

}  // namespace disent::io
