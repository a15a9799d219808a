#include "analysis/stats.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/common.hpp"
#include "core/rng.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"
#include "io/image_grid.hpp"

namespace disent::analysis {

ChannelStats channel_stats(const data::GroundTruthData& ds, int64_t samples, uint64_t seed) {
    const int64_t N = ds.states().size();
    const bool all = samples <= 0 || samples >= N;
    const int64_t count = all ? N : samples;
    const int C = ds.channels();
    const int64_t HW = static_cast<int64_t>(ds.height()) * ds.width();
    std::vector<uint8_t> buf(static_cast<size_t>(ds.obs_bytes()));
    std::vector<double> sum_mean(C, 0.0), sum_std(C, 0.0);
    std::vector<int64_t> s1(C), s2(C);  // exact integer sums of u8 values and their squares
    Rng rng(seed);
    for (int64_t k = 0; k < count; ++k) {
        const int64_t idx = all ? k : ds.states().sample_index(rng);
        ds.render(idx, buf.data());
        std::fill(s1.begin(), s1.end(), 0);
        std::fill(s2.begin(), s2.end(), 0);
        for (int64_t p = 0; p < HW; ++p)
            for (int c = 0; c < C; ++c) {
                const int64_t v = buf[static_cast<size_t>(p * C + c)];
                s1[c] += v, s2[c] += v * v;
            }
        for (int c = 0; c < C; ++c) {
            const double m = static_cast<double>(s1[c]) / static_cast<double>(HW) / 255.0;
            // unbiased variance of v/255 = (Σv² − (Σv)²/n) / (n − 1) / 255², exact numerator in integers
            const double num = static_cast<double>(s2[c] * HW - s1[c] * s1[c]) / static_cast<double>(HW);
            const double var = HW > 1 ? num / static_cast<double>(HW - 1) / (255.0 * 255.0) : 0.0;
            sum_mean[c] += m;
            sum_std[c] += std::sqrt(std::max(0.0, var));
        }
    }
    ChannelStats s;
    s.images = count;
    for (int c = 0; c < C; ++c) {
        s.mean.push_back(sum_mean[c] / static_cast<double>(count));
        s.std.push_back(sum_std[c] / static_cast<double>(count));
    }
    return s;
}

void write_stats(const std::string& dir, const ChannelStats& s, const std::string& dataset) {
    io::make_dirs(dir);
    io::CsvTable t({"channel", "mean", "std"});
    for (size_t c = 0; c < s.mean.size(); ++c)
        t.add_row({std::to_string(c), io::format_double(s.mean[c]), io::format_double(s.std[c])});
    t.save(dir + "/stats.csv");
    // bar chart: per channel a mean bar and a std bar, values written above
    const int C = static_cast<int>(s.mean.size());
    const int bar = 24, gap = 36, ml = 30, mt = 28, ph = 150, mb = 30;
    double hi = 0;
    for (int c = 0; c < C; ++c) hi = std::max({hi, s.mean[c], s.std[c]});
    if (hi <= 0) hi = 1;
    const int W = std::max(ml + C * (2 * bar + gap) + 110, 260);
    io::Image img(W, mt + ph + mb, 3, 255);
    io::draw_text(img, 2, 3, "normalisation constants: " + dataset + " (" + std::to_string(s.images) + " images)", kBlack);
    for (int c = 0; c < C; ++c) {
        for (int k = 0; k < 2; ++k) {
            const double v = k == 0 ? s.mean[c] : s.std[c];
            const int h = static_cast<int>(std::lround(v / hi * (ph - 12)));
            const int x = ml + c * (2 * bar + gap) + k * bar;
            const Rgb col = series_color(k);
            io::Image b(bar - 2, std::max(h, 1), 3);
            for (size_t i = 0; i < b.pixels.size(); i += 3) b.pixels[i] = col[0], b.pixels[i + 1] = col[1], b.pixels[i + 2] = col[2];
            blit(img, b, x, mt + ph - h);
        }
        for (int k = 0; k < 2; ++k) {  // values above the bars, drawn after both bars so none is covered
            const double v = k == 0 ? s.mean[c] : s.std[c];
            const int h = static_cast<int>(std::lround(v / hi * (ph - 12)));
            io::draw_text(img, ml + c * (2 * bar + gap) + k * (bar + 4) - 4, mt + ph - h - 9 - 9 * (k == 0 && h < 20), short_number(v), kBlack);
        }
        io::draw_text(img, ml + c * (2 * bar + gap) + bar / 2, mt + ph + 4, "channel " + std::to_string(c), kBlack);
    }
    io::draw_text(img, W - 100, mt, "- mean", series_color(0));
    io::draw_text(img, W - 100, mt + 10, "- std", series_color(1));
    io::draw_text(img, ml, mt + ph + 16, "value on [0,1] data", kBlack);
    io::write_png(dir + "/stats.png", img);
}

}  // namespace disent::analysis
