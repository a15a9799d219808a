#pragma once
// Figure composition: tile images into a grid (reconstructions, latent traversals) and stamp short
// text labels with a built-in 5x7 bitmap font, so figures need no font files or extra libraries.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/png.hpp"

namespace disent::io {

// Tiles placed row-major into a rows x cols grid with `pad` pixels of `pad_value` around and between
// them (output: cols*(w+pad)+pad wide, rows*(h+pad)+pad high). Unused cells are filled with pad_value.
// All tiles must share width, height and channels; rows <= 0 means "as many rows as needed".
// Throws std::invalid_argument on empty input, mismatched tiles or too many tiles for the grid.
Image make_grid(const std::vector<Image>& tiles, int rows, int cols, int pad = 4, uint8_t pad_value = 255);

// 3-channel copy: grey is replicated, RGB is copied, RGBA drops alpha.
Image to_rgb(const Image& img);

// Glyph cell: 5x7 pixels drawn, advancing 6 pixels per character (times `scale`), 8 per line.
constexpr int kGlyphWidth = 5, kGlyphHeight = 7, kGlyphAdvance = 6, kLineAdvance = 8;

// Draw `text` with its top-left corner at (x, y), clipped to the image. Supports digits, letters,
// space and . , - _ = : / ( ) + % ? [ ] ' ; '\n' starts a new line; other characters draw as '?'.
// Grey images get the colour's luminance; RGBA pixels touched get alpha 255.
void draw_text(Image& img, int x, int y, const std::string& text, std::array<uint8_t, 3> color, int scale = 1);

// Pixel width/height of `text` as draw_text would render it (widest line; no trailing gap).
int text_width(const std::string& text, int scale = 1);
int text_height(const std::string& text, int scale = 1);

// True if `c` has its own glyph (is not drawn as the '?' fallback).
bool has_glyph(char c);

}  // namespace disent::io
