#include <gtest/gtest.h>

#include <random>

#include "io/gif.hpp"
#include "io/image_grid.hpp"
#include "io_test_util.hpp"

using namespace disent::io;
using disent::io::testing::TempDir;

namespace {

// ---- an independent GIF reader for the tests ---------------------------------------------------------

// Standard GIF LZW decoder. Fails the test (returns what it has) on an invalid code stream, and checks
// that nothing but padding follows the end-of-information code.
std::vector<uint8_t> lzw_decode(const std::string& data, int min_code_size) {
    const int clear = 1 << min_code_size, eoi = clear + 1;
    std::vector<std::vector<uint8_t>> table;
    auto reset = [&] {
        table.clear();
        for (int i = 0; i < clear; ++i) table.push_back({static_cast<uint8_t>(i)});
        table.push_back({});  // clear
        table.push_back({});  // eoi
    };
    reset();
    int code_size = min_code_size + 1;
    size_t bitpos = 0;
    auto read_code = [&](int& code) {
        if (bitpos + code_size > data.size() * 8) return false;
        code = 0;
        for (int b = 0; b < code_size; ++b, ++bitpos)
            code |= ((static_cast<uint8_t>(data[bitpos / 8]) >> (bitpos % 8)) & 1) << b;
        return true;
    };
    std::vector<uint8_t> out;
    int prev = -1, code = 0;
    bool saw_eoi = false;
    while (read_code(code)) {
        if (code == clear) {
            reset();
            code_size = min_code_size + 1;
            prev = -1;
            continue;
        }
        if (code == eoi) {
            saw_eoi = true;
            break;
        }
        std::vector<uint8_t> entry;
        if (prev < 0) {
            if (code >= clear) {
                ADD_FAILURE() << "first code after clear is not a literal: " << code;
                return out;
            }
            entry = table[code];
        } else {
            if (code < static_cast<int>(table.size())) {
                entry = table[code];
            } else if (code == static_cast<int>(table.size())) {
                entry = table[prev];
                entry.push_back(table[prev][0]);
            } else {
                ADD_FAILURE() << "code " << code << " beyond table size " << table.size();
                return out;
            }
            if (table.size() < 4096) {
                std::vector<uint8_t> added = table[prev];
                added.push_back(entry[0]);
                table.push_back(added);
            }
        }
        out.insert(out.end(), entry.begin(), entry.end());
        if (static_cast<int>(table.size()) == (1 << code_size) && code_size < 12) ++code_size;
        prev = code;
    }
    EXPECT_TRUE(saw_eoi) << "no end-of-information code";
    EXPECT_EQ((bitpos + 7) / 8, data.size()) << "bytes after the end-of-information code";
    return out;
}

struct ParsedGif {
    int width = 0, height = 0;
    std::vector<std::array<uint8_t, 3>> palette;
    bool netscape_loop = false;
    int loop_count = -1;
    std::vector<int> delays;
    std::vector<std::vector<uint8_t>> frames;  // palette indices
};

ParsedGif parse_gif(const std::string& g) {
    ParsedGif p;
    size_t pos = 0;
    auto u8 = [&]() -> int {
        if (pos >= g.size()) throw std::runtime_error("gif truncated");
        return static_cast<uint8_t>(g[pos++]);
    };
    auto u16 = [&]() {
        int lo = u8();
        return lo | (u8() << 8);
    };
    auto sub_blocks = [&]() {
        std::string data;
        for (int n; (n = u8()) != 0;) {
            if (pos + n > g.size()) throw std::runtime_error("gif truncated");
            data.append(g, pos, n);
            pos += n;
        }
        return data;
    };
    if (g.substr(0, 6) != "GIF89a") throw std::runtime_error("bad signature");
    pos = 6;
    p.width = u16();
    p.height = u16();
    int packed = u8();
    u8();
    u8();
    if (packed & 0x80) {
        int n = 1 << ((packed & 7) + 1);
        for (int i = 0; i < n; ++i) {
            int r = u8(), gg = u8(), b = u8();
            p.palette.push_back({uint8_t(r), uint8_t(gg), uint8_t(b)});
        }
    }
    int pending_delay = -1;
    for (;;) {
        int block = u8();
        if (block == 0x3B) break;
        if (block == 0x21) {
            int label = u8();
            std::string data = sub_blocks();
            if (label == 0xFF && data.size() >= 14 && data.substr(0, 11) == "NETSCAPE2.0") {
                p.netscape_loop = true;
                p.loop_count = static_cast<uint8_t>(data[12]) | (static_cast<uint8_t>(data[13]) << 8);
            } else if (label == 0xF9 && data.size() == 4) {
                pending_delay = static_cast<uint8_t>(data[1]) | (static_cast<uint8_t>(data[2]) << 8);
            }
        } else if (block == 0x2C) {
            u16(), u16();
            int w = u16(), h = u16();
            int ipacked = u8();
            if (ipacked & 0x80) pos += 3 * (1 << ((ipacked & 7) + 1));
            int mcs = u8();
            std::vector<uint8_t> idx = lzw_decode(sub_blocks(), mcs);
            EXPECT_EQ(idx.size(), static_cast<size_t>(w) * h);
            p.frames.push_back(idx);
            p.delays.push_back(pending_delay);
            pending_delay = -1;
        } else {
            throw std::runtime_error("unknown block " + std::to_string(block));
        }
    }
    EXPECT_EQ(pos, g.size()) << "data after trailer";
    return p;
}

// Colours of a decoded frame as RGB bytes.
std::vector<uint8_t> frame_rgb(const ParsedGif& p, size_t f) {
    std::vector<uint8_t> out;
    for (uint8_t i : p.frames[f]) out.insert(out.end(), p.palette[i].begin(), p.palette[i].end());
    return out;
}

}  // namespace

TEST(Gif, TwoGreyFramesRoundTrip) {
    Image a(7, 5, 1), b(7, 5, 1);
    for (size_t i = 0; i < a.pixels.size(); ++i) {
        a.pixels[i] = static_cast<uint8_t>(i * 7);
        b.pixels[i] = static_cast<uint8_t>(255 - i);
    }
    std::string g = encode_gif({a, b}, 12);
    EXPECT_EQ(g.substr(0, 6), "GIF89a");
    EXPECT_EQ(static_cast<uint8_t>(g[6]), 7);  // width LE
    EXPECT_EQ(static_cast<uint8_t>(g[7]), 0);
    EXPECT_EQ(static_cast<uint8_t>(g[8]), 5);      // height LE
    EXPECT_EQ(static_cast<uint8_t>(g[10]), 0xF7);  // global table, 256 entries
    EXPECT_EQ(g.substr(13 + 768, 3), std::string("\x21\xFF\x0B", 3));
    EXPECT_EQ(g.substr(16 + 768, 11), "NETSCAPE2.0");
    EXPECT_EQ(static_cast<uint8_t>(g.back()), 0x3B);

    ParsedGif p = parse_gif(g);
    EXPECT_EQ(p.width, 7);
    EXPECT_EQ(p.height, 5);
    EXPECT_EQ(p.palette.size(), 256u);
    EXPECT_TRUE(p.netscape_loop);
    EXPECT_EQ(p.loop_count, 0);
    ASSERT_EQ(p.frames.size(), 2u);
    EXPECT_EQ(p.delays, (std::vector<int>{12, 12}));
    EXPECT_EQ(frame_rgb(p, 0), to_rgb(a).pixels);
    EXPECT_EQ(frame_rgb(p, 1), to_rgb(b).pixels);
}

TEST(Gif, ManyColoursUseTheUniformCube) {
    // Frame 0 has thousands of colours (forces the 6x7x6 cube); frame 1 only uses cube colours, which
    // must therefore come back exactly; frame 0 comes back within half a cube step.
    const uint8_t r_levels[] = {0, 51, 102, 153, 204, 255}, g_levels[] = {0, 43, 85, 128, 170, 213, 255};
    Image noisy(40, 30, 3), exact(40, 30, 3);
    std::mt19937 rng(3);
    for (auto& v : noisy.pixels) v = static_cast<uint8_t>(rng());
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x) {
            uint8_t* px = exact.at(x, y);
            px[0] = r_levels[rng() % 6];
            px[1] = g_levels[rng() % 7];
            px[2] = r_levels[rng() % 6];
        }
    ParsedGif p = parse_gif(encode_gif({noisy, exact}, 5));
    ASSERT_EQ(p.frames.size(), 2u);
    EXPECT_EQ(frame_rgb(p, 1), exact.pixels);
    std::vector<uint8_t> back = frame_rgb(p, 0);
    for (size_t i = 0; i < back.size(); ++i) {
        int tol = (i % 3 == 1) ? 22 : 26;
        EXPECT_LE(std::abs(int(back[i]) - int(noisy.pixels[i])), tol) << i;
    }
}

TEST(Gif, LzwHandlesTableResetsAndLongRuns) {
    std::mt19937 rng(11);
    // Random data: the 4096-entry table fills and is reset many times.
    std::vector<uint8_t> noise(200000);
    for (auto& v : noise) v = static_cast<uint8_t>(rng());
    EXPECT_EQ(lzw_decode(gif_lzw_encode(noise, 8), 8), noise);
    // Long runs: codes grow to 12 bits with long strings (and exercise the KwKwK case).
    std::vector<uint8_t> runs(300000, 0);
    for (size_t i = 0; i < runs.size(); ++i) runs[i] = static_cast<uint8_t>((i / 5000) % 3);
    EXPECT_EQ(lzw_decode(gif_lzw_encode(runs, 8), 8), runs);
    // Small code sizes, and every length near the code-width boundaries.
    for (size_t n = 0; n < 600; ++n) {
        std::vector<uint8_t> v(n);
        for (auto& x : v) x = static_cast<uint8_t>(rng() % 4);
        ASSERT_EQ(lzw_decode(gif_lzw_encode(v, 2), 2), v) << n;
        std::vector<uint8_t> w(n * 7);
        for (auto& x : w) x = static_cast<uint8_t>(rng() % 256);
        ASSERT_EQ(lzw_decode(gif_lzw_encode(w, 8), 8), w) << n;
    }
    EXPECT_THROW(gif_lzw_encode({4}, 2), std::invalid_argument);
}

TEST(Gif, RejectsBadInput) {
    EXPECT_THROW(encode_gif({}, 10), std::invalid_argument);
    EXPECT_THROW(encode_gif({Image(2, 2, 1), Image(3, 2, 1)}, 10), std::invalid_argument);
    EXPECT_THROW(encode_gif({Image(2, 2, 1)}, -1), std::invalid_argument);
    EXPECT_THROW(encode_gif({Image(2, 2, 1)}, 70000), std::invalid_argument);
    EXPECT_THROW(encode_gif({Image(2, 2, 2)}, 10), std::invalid_argument);
}

TEST(Gif, WritesFileAndPillowDecodesIt) {
    TempDir dir;
    std::vector<Image> frames;
    for (int f = 0; f < 3; ++f) {
        Image img(9, 6, 4);
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 9; ++x) {
                uint8_t* px = img.at(x, y);
                px[0] = static_cast<uint8_t>(x * 20 + f), px[1] = static_cast<uint8_t>(y * 30), px[2] = 77, px[3] = 0;
            }
        frames.push_back(img);
    }
    write_gif(dir.file("anim.gif"), frames, 8);
    ParsedGif p = parse_gif(disent::io::testing::read_raw(dir.file("anim.gif")));
    ASSERT_EQ(p.frames.size(), 3u);
    for (size_t f = 0; f < 3; ++f) EXPECT_EQ(frame_rgb(p, f), to_rgb(frames[f]).pixels);

    if (!disent::io::testing::python_has("numpy PIL")) GTEST_SKIP() << "python3 with numpy and PIL not available";
    const char* script = R"PY(
import sys, numpy as np
from PIL import Image, ImageSequence
im = Image.open(sys.argv[1])
frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
print("frames", len(frames), "size", im.size, "loop", im.info.get("loop"), "duration", im.info.get("duration"))
open(sys.argv[2], "wb").write(b"".join(f.tobytes() for f in frames))
)PY";
    std::string out;
    ASSERT_EQ(disent::io::testing::run_python(dir, script, {dir.file("anim.gif"), dir.file("anim.raw")}, out), 0)
        << out;
    EXPECT_NE(out.find("frames 3 size (9, 6) loop 0 duration 80"), std::string::npos) << out;
    std::string expect;
    for (const auto& f : frames) {
        Image rgb = to_rgb(f);
        expect.append(rgb.pixels.begin(), rgb.pixels.end());
    }
    EXPECT_EQ(disent::io::testing::read_raw(dir.file("anim.raw")), expect);

    // Large noisy frames: many LZW table resets must decode in an independent decoder too.
    std::mt19937 rng(4);
    std::vector<Image> big(2, Image(150, 120, 1));
    for (auto& f : big)
        for (auto& v : f.pixels) v = static_cast<uint8_t>(rng());
    write_gif(dir.file("big.gif"), big, 3);
    ASSERT_EQ(disent::io::testing::run_python(dir, script, {dir.file("big.gif"), dir.file("big.raw")}, out), 0) << out;
    EXPECT_NE(out.find("frames 2 size (150, 120)"), std::string::npos) << out;
    expect.clear();
    for (const auto& f : big) {
        Image rgb = to_rgb(f);
        expect.append(rgb.pixels.begin(), rgb.pixels.end());
    }
    EXPECT_EQ(disent::io::testing::read_raw(dir.file("big.raw")), expect);
}
