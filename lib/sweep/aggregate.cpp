// `sweep aggregate`: per-run table, grouped quartile table and box plots of a sweep directory.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_table.hpp"
#include "io/image_grid.hpp"
#include "io/json_file.hpp"
#include "io/png.hpp"
#include "sweep/sweep_dir.hpp"

namespace disent::sweep {

namespace fs = std::filesystem;

double quantile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return std::nan("");
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

namespace {

std::string fmt(double v) {
    if (std::isnan(v)) return "";
    std::ostringstream os;
    os.precision(4);
    os << v;
    return os.str();
}

std::string md_escape(const std::string& s) {
    std::string o;
    for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
    return o;
}

std::string markdown(const io::CsvTable& t) {
    std::ostringstream os;
    os << "|";
    for (const auto& h : t.header) os << " " << md_escape(h) << " |";
    os << "\n|";
    for (size_t i = 0; i < t.header.size(); ++i) os << "---|";
    os << "\n";
    for (const auto& r : t.rows) {
        os << "|";
        for (const auto& c : r) os << " " << md_escape(c) << " |";
        os << "\n";
    }
    return os.str();
}

std::string file_safe(const std::string& s) {
    std::string o;
    for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
    return o;
}

struct Stats {
    size_t n = 0;
    double min = 0, q1 = 0, med = 0, q3 = 0, max = 0;
};
Stats stats_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    Stats s;
    s.n = v.size();
    if (v.empty()) return s;
    s.min = v.front();
    s.max = v.back();
    s.q1 = quantile(v, 0.25);
    s.med = quantile(v, 0.5);
    s.q3 = quantile(v, 0.75);
    return s;
}

void fill_rect(io::Image& img, int x0, int y0, int x1, int y1, std::array<uint8_t, 3> c) {
    if (x0 > x1) std::swap(x0, x1);
    if (y0 > y1) std::swap(y0, y1);
    for (int y = std::max(0, y0); y <= std::min(img.height - 1, y1); ++y)
        for (int x = std::max(0, x0); x <= std::min(img.width - 1, x1); ++x) {
            uint8_t* p = img.at(x, y);
            p[0] = c[0], p[1] = c[1], p[2] = c[2];
        }
}

// A box plot: one box per group (Q1..Q3, median line, whiskers to min/max, the runs as dots).
io::Image box_plot(const std::string& metric, const std::string& xlabel, const std::vector<std::string>& labels,
                   const std::vector<std::vector<double>>& values) {
    const std::array<uint8_t, 3> black{0, 0, 0}, grey{200, 200, 200}, box{120, 160, 220}, dot{200, 60, 40};
    double lo = 0, hi = 1;  // metrics in [0, 1]; widen for anything else
    bool any = false;
    for (const auto& v : values)
        for (double x : v)
            if (std::isfinite(x)) {
                if (!any) lo = std::min(0.0, x), hi = std::max(x, 1e-9);
                lo = std::min(lo, x), hi = std::max(hi, x);
                any = true;
            }
    if (hi <= 1.0 && lo >= 0.0) hi = std::max(hi * 1.1, 0.05);
    if (hi - lo < 1e-12) hi = lo + 1;
    int label_w = 0, label_h = 0;
    for (const auto& l : labels) label_w = std::max(label_w, io::text_width(l)), label_h = std::max(label_h, io::text_height(l));
    const int col = std::max(48, label_w + 12);
    const int left = 56, top = 28, plot_h = 240;
    const int width = left + col * static_cast<int>(labels.size()) + 16;
    const int height = top + plot_h + 10 + label_h + 24;
    const std::string title = metric + " (per run: box Q1-Q3, line median, whiskers min-max)";
    const std::string axes = "x: " + xlabel + "   y: " + metric;
    io::Image img(std::max({width, io::text_width(title) + left + 16, io::text_width(axes) + left + 16}), height, 3, 255);
    auto ypix = [&](double v) { return top + static_cast<int>(std::lround((hi - v) / (hi - lo) * plot_h)); };
    io::draw_text(img, left, 8, title, black);
    // y axis with 5 ticks and grid lines
    for (int t = 0; t <= 4; ++t) {
        const double v = lo + (hi - lo) * t / 4.0;
        const int y = ypix(v);
        fill_rect(img, left, y, img.width - 8, y, grey);
        const std::string s = fmt(v);
        io::draw_text(img, left - 6 - io::text_width(s), y - 3, s, black);
    }
    fill_rect(img, left, top, left, top + plot_h, black);
    fill_rect(img, left, top + plot_h, img.width - 8, top + plot_h, black);
    for (size_t g = 0; g < labels.size(); ++g) {
        const int cx = left + col * static_cast<int>(g) + col / 2;
        std::vector<double> v;
        for (double x : values[g])
            if (std::isfinite(x)) v.push_back(x);
        if (!v.empty()) {
            const Stats s = stats_of(v);
            const int hw = std::min(18, col / 2 - 6);
            fill_rect(img, cx, ypix(s.max), cx, ypix(s.q3), black);
            fill_rect(img, cx, ypix(s.q1), cx, ypix(s.min), black);
            fill_rect(img, cx - hw / 2, ypix(s.max), cx + hw / 2, ypix(s.max), black);
            fill_rect(img, cx - hw / 2, ypix(s.min), cx + hw / 2, ypix(s.min), black);
            fill_rect(img, cx - hw, ypix(s.q3), cx + hw, ypix(s.q1), box);
            fill_rect(img, cx - hw, ypix(s.med) - 1, cx + hw, ypix(s.med) + 1, black);
            for (size_t i = 0; i < v.size(); ++i) {
                const int x = cx + hw + 4 + static_cast<int>(i % 3) * 3, y = ypix(v[i]);
                fill_rect(img, x - 1, y - 1, x + 1, y + 1, dot);
            }
        }
        io::draw_text(img, cx - io::text_width(labels[g]) / 2, top + plot_h + 6, labels[g], black);
    }
    io::draw_text(img, left, height - 12, axes, black);
    return img;
}

}  // namespace

AggregateResult aggregate(const std::string& root, const SweepRecord& rec, const AggregateOptions& opts) {
    AggregateResult res;
    const std::string out = opts.out_dir.empty() ? root + "/aggregate" : opts.out_dir;
    std::vector<std::string> by = opts.by;
    if (by.empty())
        for (const auto& k : rec.keys)
            if (k != "seed") by.push_back(k);
    for (const auto& k : by)
        if (std::find(rec.keys.begin(), rec.keys.end(), k) == rec.keys.end()) {
            std::string known;
            for (const auto& x : rec.keys) known += (known.empty() ? "" : ", ") + x;
            throw UserError("--by: '" + k + "' is not a swept key of sweep " + rec.name + " (swept: " + known + ")");
        }

    // collect summaries
    struct Row {
        const RecordedRun* run;
        std::string status;
        int64_t step, steps;
        std::map<std::string, double> metrics;  // final.<k>, best.<k>
    };
    std::vector<Row> rows;
    std::set<std::string> metric_keys;
    for (const auto& r : rec.runs) {
        const std::string path = root + "/" + r.dir + "/summary.json";
        if (!fs::exists(path)) continue;
        const auto j = io::read_json(path);
        Row row{&r, j.value("status", ""), j.value("step", int64_t{0}), j.value("steps", int64_t{0}), {}};
        if (j.contains("final_metrics"))
            for (const auto& [k, v] : j["final_metrics"].items())
                if (v.is_number()) row.metrics["final." + k] = v.get<double>();
        if (j.contains("best_metrics"))
            for (const auto& [k, v] : j["best_metrics"].items())
                if (v.contains("value") && v["value"].is_number()) row.metrics["best." + k] = v["value"].get<double>();
        for (const auto& [k, _] : row.metrics) metric_keys.insert(k);
        rows.push_back(std::move(row));
    }
    if (rows.empty()) throw UserError("sweep '" + root + "' has no run with a summary.json yet (see `disent-run sweep status`)");
    // best.* first (what the paper's figures plot), then final.*
    std::vector<std::string> metrics;
    for (const auto& k : metric_keys)
        if (k.rfind("best.", 0) == 0) metrics.push_back(k);
    for (const auto& k : metric_keys)
        if (k.rfind("final.", 0) == 0) metrics.push_back(k);

    io::CsvTable runs_t;
    runs_t.header = {"index", "name", "status", "step", "steps"};
    for (const auto& k : rec.keys) runs_t.header.push_back(k);
    for (const auto& m : metrics) runs_t.header.push_back(m);
    auto value_of = [](const RecordedRun& r, const std::string& key) {
        for (const auto& [k, v] : r.swept)
            if (k == key) return v;
        return std::string();
    };
    for (const auto& row : rows) {
        std::vector<std::string> cells{std::to_string(row.run->index), row.run->name, row.status, std::to_string(row.step),
                                       std::to_string(row.steps)};
        for (const auto& k : rec.keys) cells.push_back(value_of(*row.run, k));
        for (const auto& m : metrics) cells.push_back(row.metrics.count(m) ? io::format_double(row.metrics.at(m)) : "");
        runs_t.add_row(cells);
    }
    io::make_dirs(out);
    runs_t.save(out + "/runs.csv");
    io::CsvTable runs_md = runs_t;  // Markdown: 4 significant digits
    for (auto& r : runs_md.rows)
        for (size_t c = 5 + rec.keys.size(); c < r.size(); ++c)
            if (!r[c].empty()) r[c] = fmt(std::stod(r[c]));
    io::write_file_atomic(out + "/runs.md", "# " + rec.name + ": one row per run\n\n" + markdown(runs_md));
    res.rows = static_cast<int>(rows.size());
    res.files = {out + "/runs.csv", out + "/runs.md"};

    // groups in first-appearance (plan) order
    std::vector<std::string> group_labels;
    std::vector<std::vector<std::string>> group_vals;
    std::map<std::vector<std::string>, size_t> group_of;
    std::vector<size_t> row_group;
    for (const auto& row : rows) {
        std::vector<std::string> key;
        for (const auto& k : by) key.push_back(value_of(*row.run, k));
        auto it = group_of.find(key);
        if (it == group_of.end()) {
            it = group_of.emplace(key, group_vals.size()).first;
            group_vals.push_back(key);
            std::string label;
            for (size_t i = 0; i < by.size(); ++i) {
                std::string k = by[i];
                if (k.size() > 5 && k.compare(k.size() - 5, 5, ".name") == 0) k.resize(k.size() - 5);
                const auto dot = k.rfind('.');
                if (dot != std::string::npos) k = k.substr(dot + 1);
                label += (label.empty() ? "" : "\n") + k + "=" + key[i];
            }
            group_labels.push_back(label.empty() ? "all" : label);
        }
        row_group.push_back(it->second);
    }
    io::CsvTable groups_t;
    for (const auto& k : by) groups_t.header.push_back(k);
    groups_t.header.push_back("metric");
    for (const char* c : {"n", "min", "q1", "median", "q3", "max"}) groups_t.header.push_back(c);
    std::map<std::string, std::vector<std::vector<double>>> per_metric;
    for (const auto& m : metrics) {
        auto& vals = per_metric[m];
        vals.assign(group_vals.size(), {});
        for (size_t i = 0; i < rows.size(); ++i)
            if (rows[i].metrics.count(m)) vals[row_group[i]].push_back(rows[i].metrics.at(m));
    }
    for (size_t g = 0; g < group_vals.size(); ++g)
        for (const auto& m : metrics) {
            const Stats s = stats_of(per_metric[m][g]);
            std::vector<std::string> cells = group_vals[g];
            cells.push_back(m);
            cells.push_back(std::to_string(s.n));
            for (double v : {s.min, s.q1, s.med, s.q3, s.max}) cells.push_back(s.n ? io::format_double(v) : "");
            groups_t.add_row(cells);
        }
    groups_t.save(out + "/groups.csv");
    // Markdown: shorter numbers
    io::CsvTable groups_md = groups_t;
    for (auto& r : groups_md.rows)
        for (size_t c = by.size() + 2; c < r.size(); ++c)
            if (!r[c].empty()) r[c] = fmt(std::stod(r[c]));
    std::string by_text;
    for (const auto& k : by) by_text += (by_text.empty() ? "" : ", ") + k;
    res.summary_markdown = "# " + rec.name + ": grouped by " + (by_text.empty() ? "(all runs)" : by_text) +
                           " (min / Q1 / median / Q3 / max over runs)\n\n" + markdown(groups_md);
    io::write_file_atomic(out + "/groups.md", res.summary_markdown);
    res.files.push_back(out + "/groups.csv");
    res.files.push_back(out + "/groups.md");
    res.groups = static_cast<int>(group_vals.size());

    // plots: best.* (the paper's figures), else final.*
    bool have_best = false;
    for (const auto& m : metrics) have_best |= m.rfind("best.", 0) == 0;
    for (const auto& m : metrics) {
        if (have_best && m.rfind("best.", 0) != 0) continue;
        const std::string png = out + "/" + file_safe(m) + ".png";
        io::write_png(png, box_plot(m, by_text.empty() ? "all runs" : by_text, group_labels, per_metric[m]));
        res.files.push_back(png);
    }
    return res;
}

}  // namespace disent::sweep
