#include "io/image_grid.hpp"

#include <algorithm>
#include <stdexcept>

namespace disent::io {

Image make_grid(const std::vector<Image>& tiles, int rows, int cols, int pad, uint8_t pad_value) {
    if (tiles.empty()) throw std::invalid_argument("make_grid: no tiles");
    if (cols <= 0) throw std::invalid_argument("make_grid: cols must be positive");
    if (pad < 0) throw std::invalid_argument("make_grid: pad must be >= 0");
    const int n = static_cast<int>(tiles.size());
    if (rows <= 0) rows = (n + cols - 1) / cols;
    if (static_cast<long long>(rows) * cols < n) {
        throw std::invalid_argument("make_grid: " + std::to_string(n) + " tiles do not fit a " + std::to_string(rows) +
                                    "x" + std::to_string(cols) + " grid");
    }
    const Image& first = tiles.front();
    check_image(first);
    for (const Image& t : tiles) {
        check_image(t);
        if (t.width != first.width || t.height != first.height || t.channels != first.channels) {
            throw std::invalid_argument("make_grid: tiles differ in size or channels");
        }
    }
    const int w = first.width, h = first.height, c = first.channels;
    Image out(cols * (w + pad) + pad, rows * (h + pad) + pad, c, pad_value);
    const size_t tile_row = static_cast<size_t>(w) * c;
    for (int i = 0; i < n; ++i) {
        int x0 = pad + (i % cols) * (w + pad), y0 = pad + (i / cols) * (h + pad);
        for (int y = 0; y < h; ++y) {
            std::copy_n(tiles[i].at(0, y), tile_row, out.at(x0, y0 + y));
        }
    }
    return out;
}

Image to_rgb(const Image& img) {
    check_image(img);
    Image out(img.width, img.height, 3);
    const size_t n = static_cast<size_t>(img.width) * img.height;
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* src = img.pixels.data() + i * img.channels;
        uint8_t* dst = out.pixels.data() + i * 3;
        if (img.channels == 1) {
            dst[0] = dst[1] = dst[2] = src[0];
        } else {
            dst[0] = src[0], dst[1] = src[1], dst[2] = src[2];
        }
    }
    return out;
}

// ---- font ------------------------------------------------------------------------------------------

namespace {

// Each glyph is 7 rows of 5 columns; '#' marks an ink pixel. Lowercase letters sit on the same baseline
// as capitals (descenders of g, j, p, q, y are raised) so every glyph fits the 5x7 cell.
struct Glyph {
    char ch;
    const char* rows[kGlyphHeight];
};

// clang-format off
constexpr Glyph kFont[] = {
    {' ', {"     ", "     ", "     ", "     ", "     ", "     ", "     "}},
    {'0', {" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "}},
    {'1', {"  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'2', {" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"}},
    {'3', {"#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "}},
    {'4', {"   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "}},
    {'5', {"#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "}},
    {'6', {"  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "}},
    {'7', {"#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "}},
    {'8', {" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "}},
    {'9', {" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "}},
    {'A', {" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}},
    {'B', {"#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "}},
    {'C', {" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "}},
    {'D', {"###  ", "#  # ", "#   #", "#   #", "#   #", "#  # ", "###  "}},
    {'E', {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"}},
    {'F', {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "}},
    {'G', {" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"}},
    {'H', {"#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}},
    {'I', {" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'J', {"  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "}},
    {'K', {"#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"}},
    {'L', {"#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"}},
    {'M', {"#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"}},
    {'N', {"#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #"}},
    {'O', {" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}},
    {'P', {"#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "}},
    {'Q', {" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"}},
    {'R', {"#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"}},
    {'S', {" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "}},
    {'T', {"#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'U', {"#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}},
    {'V', {"#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "}},
    {'W', {"#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # "}},
    {'X', {"#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"}},
    {'Y', {"#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "}},
    {'Z', {"#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"}},
    {'a', {"     ", "     ", " ### ", "    #", " ####", "#   #", " ####"}},
    {'b', {"#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#### "}},
    {'c', {"     ", "     ", " ### ", "#    ", "#    ", "#   #", " ### "}},
    {'d', {"    #", "    #", " ## #", "#  ##", "#   #", "#   #", " ####"}},
    {'e', {"     ", "     ", " ### ", "#   #", "#####", "#    ", " ### "}},
    {'f', {"  ## ", " #  #", " #   ", "###  ", " #   ", " #   ", " #   "}},
    {'g', {"     ", " ####", "#   #", "#   #", " ####", "    #", " ### "}},
    {'h', {"#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#   #"}},
    {'i', {"  #  ", "     ", " ##  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'j', {"   # ", "     ", "  ## ", "   # ", "   # ", "#  # ", " ##  "}},
    {'k', {"#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # "}},
    {'l', {" ##  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}},
    {'m', {"     ", "     ", "## # ", "# # #", "# # #", "#   #", "#   #"}},
    {'n', {"     ", "     ", "# ## ", "##  #", "#   #", "#   #", "#   #"}},
    {'o', {"     ", "     ", " ### ", "#   #", "#   #", "#   #", " ### "}},
    {'p', {"     ", "     ", "#### ", "#   #", "#### ", "#    ", "#    "}},
    {'q', {"     ", "     ", " ####", "#   #", " ####", "    #", "    #"}},
    {'r', {"     ", "     ", "# ## ", "##  #", "#    ", "#    ", "#    "}},
    {'s', {"     ", "     ", " ####", "#    ", " ### ", "    #", "#### "}},
    {'t', {" #   ", " #   ", "###  ", " #   ", " #   ", " #  #", "  ## "}},
    {'u', {"     ", "     ", "#   #", "#   #", "#   #", "#  ##", " ## #"}},
    {'v', {"     ", "     ", "#   #", "#   #", "#   #", " # # ", "  #  "}},
    {'w', {"     ", "     ", "#   #", "#   #", "# # #", "# # #", " # # "}},
    {'x', {"     ", "     ", "#   #", " # # ", "  #  ", " # # ", "#   #"}},
    {'y', {"     ", "     ", "#   #", "#   #", " ####", "    #", " ### "}},
    {'z', {"     ", "     ", "#####", "   # ", "  #  ", " #   ", "#####"}},
    {'.', {"     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "}},
    {',', {"     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   "}},
    {'-', {"     ", "     ", "     ", "#####", "     ", "     ", "     "}},
    {'_', {"     ", "     ", "     ", "     ", "     ", "     ", "#####"}},
    {'=', {"     ", "     ", "#####", "     ", "#####", "     ", "     "}},
    {':', {"     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "}},
    {'/', {"     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     "}},
    {'(', {"   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "}},
    {')', {" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "}},
    {'[', {" ### ", " #   ", " #   ", " #   ", " #   ", " #   ", " ### "}},
    {']', {" ### ", "   # ", "   # ", "   # ", "   # ", "   # ", " ### "}},
    {'+', {"     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     "}},
    {'%', {"##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"}},
    {'\'', {"  #  ", "  #  ", " #   ", "     ", "     ", "     ", "     "}},
    {'?', {" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "}},
};
// clang-format on

const Glyph* find_glyph(char c) {
    for (const Glyph& g : kFont) {
        if (g.ch == c) return &g;
    }
    return nullptr;
}

const Glyph& glyph_or_fallback(char c) {
    const Glyph* g = find_glyph(c);
    return g ? *g : *find_glyph('?');
}

void put_pixel(Image& img, int x, int y, const std::array<uint8_t, 3>& color, uint8_t grey) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;  // clip
    uint8_t* p = img.at(x, y);
    if (img.channels == 1) {
        p[0] = grey;
    } else {
        p[0] = color[0], p[1] = color[1], p[2] = color[2];
        if (img.channels == 4) p[3] = 255;
    }
}

}  // namespace

bool has_glyph(char c) { return find_glyph(c) != nullptr; }

void draw_text(Image& img, int x, int y, const std::string& text, std::array<uint8_t, 3> color, int scale) {
    check_image(img);
    if (scale < 1) throw std::invalid_argument("draw_text: scale must be >= 1");
    // ITU-R BT.601 luma, rounded.
    const uint8_t grey = static_cast<uint8_t>((299 * color[0] + 587 * color[1] + 114 * color[2] + 500) / 1000);
    int pen_x = x, pen_y = y;
    for (char c : text) {
        if (c == '\n') {
            pen_x = x;
            pen_y += kLineAdvance * scale;
            continue;
        }
        const Glyph& g = glyph_or_fallback(c);
        for (int gy = 0; gy < kGlyphHeight; ++gy) {
            for (int gx = 0; gx < kGlyphWidth; ++gx) {
                if (g.rows[gy][gx] != '#') continue;
                for (int sy = 0; sy < scale; ++sy) {
                    for (int sx = 0; sx < scale; ++sx) {
                        put_pixel(img, pen_x + gx * scale + sx, pen_y + gy * scale + sy, color, grey);
                    }
                }
            }
        }
        pen_x += kGlyphAdvance * scale;
    }
}

int text_width(const std::string& text, int scale) {
    int widest = 0, line = 0;
    for (char c : text) {
        if (c == '\n') {
            line = 0;
            continue;
        }
        ++line;
        widest = std::max(widest, line);
    }
    return widest == 0 ? 0 : (widest * kGlyphAdvance - (kGlyphAdvance - kGlyphWidth)) * scale;
}

int text_height(const std::string& text, int scale) {
    if (text.empty()) return 0;
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    return ((lines - 1) * kLineAdvance + kGlyphHeight) * scale;
}

}  // namespace disent::io
