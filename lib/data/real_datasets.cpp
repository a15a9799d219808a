#include "data/real_datasets.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "core/error.hpp"
#include "data/md5.hpp"
#include "data/pil_resize.hpp"
#include "data/source_formats.hpp"
#include "io/atomic_file.hpp"

namespace fs = std::filesystem;

namespace disent::data {

void write_store_checksum(const std::string& store);
void verify_store_checksum(const std::string& store, const std::string& key);


namespace {

std::string shape_text(const std::vector<int64_t>& d) {
    std::string s = "(";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + (d.size() == 1 ? ",)" : ")");
}

UserError layout_error(const RealDatasetSpec& spec, const std::string& what) {
    return UserError("dataset '" + spec.key + "': " + what);
}

// Streams images to the writer in batches.
class Emitter {
public:
    Emitter(const RealDatasetSpec& spec, H5ImageWriter& w) : w_(w), bytes_(int64_t{spec.height} * spec.width * spec.channels) {}
    void emit_batch(int64_t start, int64_t count, const uint8_t* data) { w_.write(start, count, data); }
    int64_t obs_bytes() const { return bytes_; }

private:
    H5ImageWriter& w_;
    int64_t bytes_;
};

const int64_t kBatch = 2048;

void check_dims(const RealDatasetSpec& spec, const std::string& where, const std::vector<int64_t>& got,
                const std::vector<int64_t>& want) {
    if (got != want)
        throw layout_error(spec, where + " has shape " + shape_text(got) + ", expected " + shape_text(want) +
                                     " (a different or damaged version of the file?)");
}

// latents_classes rows must be (colour 0, pos...) in index order: the file order is the factor order.
void check_dsprites_classes(const RealDatasetSpec& spec, const std::string& where, int64_t start, int64_t count,
                            const std::vector<int64_t>& classes, const StateSpace& ss) {
    const int F = ss.num_factors();
    std::vector<int64_t> pos(static_cast<size_t>(F));
    for (int64_t i = 0; i < count; ++i) {
        ss.idx_to_pos(start + i, pos.data());
        for (int f = 0; f < F; ++f)
            if (classes[static_cast<size_t>(i * (F + 1) + f + 1)] != pos[static_cast<size_t>(f)])
                throw layout_error(spec, where + " row " + std::to_string(start + i) +
                                             " does not match the row-major factor order (unexpected file order)");
    }
}

void convert_dsprites(const RealDatasetSpec& spec, const PrepareInputs& in, H5ImageWriter& w) {
    const std::string src = in.files.begin()->second;
    const int64_t N = spec.size(), H = spec.height, W = spec.width, px = H * W;
    const StateSpace ss(spec.factor_sizes, spec.factor_names);
    const int F = ss.num_factors();
    std::vector<uint8_t> buf(static_cast<size_t>(kBatch * px));
    std::vector<int64_t> classes;
    auto scale = [&](int64_t count, const std::string& where, int64_t start) {
        for (int64_t i = 0; i < count * px; ++i) {
            uint8_t& v = buf[static_cast<size_t>(i)];
            if (v > 1)
                throw layout_error(spec, where + " image " + std::to_string(start + i / px) + " has value " +
                                             std::to_string(v) + ", expected 0 or 1");
            v = static_cast<uint8_t>(v * 255);
        }
    };
    const bool npz = src.size() >= 4 && src.compare(src.size() - 4, 4, ".npz") == 0;
    if (!npz) {
        H5ArrayReader imgs(src, "imgs", size_t{64} << 20);
        check_dims(spec, "'" + src + "' dataset 'imgs'", imgs.dims(), {N, H, W});
        std::unique_ptr<H5ArrayReader> lat;
        try {
            lat = std::make_unique<H5ArrayReader>(src, "latents/classes");
            check_dims(spec, "'" + src + "' dataset 'latents/classes'", lat->dims(), {N, F + 1});
        } catch (const UserError&) {
            lat.reset();  // optional: only used as a layout check
        }
        std::vector<double> lv;
        for (int64_t s = 0; s < N; s += kBatch) {
            const int64_t n = std::min(kBatch, N - s);
            imgs.read_u8(s, n, buf.data());
            scale(n, "'" + src + "' dataset 'imgs'", s);
            if (lat) {
                lv.resize(static_cast<size_t>(n * (F + 1)));
                lat->read_f64(s, n, lv.data());
                classes.assign(lv.begin(), lv.end());
                check_dsprites_classes(spec, "'" + src + "' latents/classes", s, n, classes, ss);
            }
            w.write(s, n, buf.data());
        }
        return;
    }
    NpzMemberStream imgs(src, "imgs");
    if (imgs.header().dtype != "|u1") throw layout_error(spec, "'" + src + "' array 'imgs' has dtype " + imgs.header().dtype + ", expected uint8");
    check_dims(spec, "'" + src + "' array 'imgs'", imgs.header().shape, {N, H, W});
    std::unique_ptr<NpzMemberStream> lat;
    if (npz_has_array(src, "latents_classes")) {
        lat = std::make_unique<NpzMemberStream>(src, "latents_classes");
        check_dims(spec, "'" + src + "' array 'latents_classes'", lat->header().shape, {N, F + 1});
        if (lat->header().dtype != "<i8") lat.reset();
    }
    for (int64_t s = 0; s < N; s += kBatch) {
        const int64_t n = std::min(kBatch, N - s);
        imgs.read(buf.data(), static_cast<size_t>(n * px));
        scale(n, "'" + src + "' array 'imgs'", s);
        if (lat) {
            classes.resize(static_cast<size_t>(n * (F + 1)));
            lat->read(classes.data(), classes.size() * 8);
            check_dsprites_classes(spec, "'" + src + "' latents_classes", s, n, classes, ss);
        }
        w.write(s, n, buf.data());
    }
    imgs.finish();
    if (lat) lat->finish();
}

void convert_shapes3d(const RealDatasetSpec& spec, const PrepareInputs& in, H5ImageWriter& w) {
    const std::string src = in.files.begin()->second;
    const int64_t N = spec.size(), ob = int64_t{spec.height} * spec.width * spec.channels;
    H5ArrayReader imgs(src, "images", size_t{64} << 20);
    check_dims(spec, "'" + src + "' dataset 'images'", imgs.dims(), {N, spec.height, spec.width, spec.channels});
    std::vector<uint8_t> buf(static_cast<size_t>(kBatch * ob));
    for (int64_t s = 0; s < N; s += kBatch) {
        const int64_t n = std::min(kBatch, N - s);
        imgs.read_u8(s, n, buf.data());
        w.write(s, n, buf.data());
    }
}

void convert_npz_images(const RealDatasetSpec& spec, const PrepareInputs& in, H5ImageWriter& w) {
    const std::string src = in.files.begin()->second;
    const int64_t N = spec.size(), ob = int64_t{spec.height} * spec.width * spec.channels;
    NpzMemberStream imgs(src, "images");
    if (imgs.header().dtype != "|u1") throw layout_error(spec, "'" + src + "' array 'images' has dtype " + imgs.header().dtype + ", expected uint8");
    check_dims(spec, "'" + src + "' array 'images'", imgs.header().shape, {N, spec.height, spec.width, spec.channels});
    std::vector<uint8_t> buf(static_cast<size_t>(kBatch * ob));
    for (int64_t s = 0; s < N; s += kBatch) {
        const int64_t n = std::min(kBatch, N - s);
        imgs.read(buf.data(), static_cast<size_t>(n * ob));
        w.write(s, n, buf.data());
    }
    imgs.finish();
}

std::string find_cars_folder(const std::string& dir) {
    for (const char* sub : {"data/cars", "cars", ""}) {
        const fs::path p = fs::path(dir) / sub;
        if (fs::exists(p / "list.txt")) return p.string();
    }
    return "";
}

void convert_cars3d(const RealDatasetSpec& spec, const PrepareInputs& in, H5ImageWriter& w) {
    const std::string folder = find_cars_folder(in.source_dir);
    const int64_t E = spec.factor_sizes[0], A = spec.factor_sizes[1], NC = spec.factor_sizes[2];
    std::vector<std::string> names;
    {
        std::ifstream f(folder + "/list.txt");
        std::string line;
        while (std::getline(f, line)) {
            while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
            size_t b = 0;
            while (b < line.size() && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
            if (b < line.size()) names.push_back(line.substr(b));
        }
    }
    if (static_cast<int64_t>(names.size()) != NC)
        throw layout_error(spec, "'" + folder + "/list.txt' lists " + std::to_string(names.size()) + " cars, expected " +
                                     std::to_string(NC));
    const int64_t oh = spec.height, ow = spec.width, C = spec.channels, ob = oh * ow * C;
    std::vector<uint8_t> all(static_cast<size_t>(spec.size() * ob));
    std::vector<uint8_t> img;
    for (int64_t car = 0; car < NC; ++car) {
        const std::string path = folder + "/" + names[static_cast<size_t>(car)] + ".mat";
        MatU8Array im = read_mat_u8(path, "im");
        if (im.dims.size() != 5 || im.dims[2] != C || im.dims[3] != A || im.dims[4] != E || im.dims[0] < 1 || im.dims[1] < 1)
            throw layout_error(spec, "'" + path + "' variable 'im' has shape " + shape_text(im.dims) + ", expected (H, W, " +
                                         std::to_string(C) + ", " + std::to_string(A) + ", " + std::to_string(E) + ")");
        const int64_t ih = im.dims[0], iw = im.dims[1];
        img.resize(static_cast<size_t>(ih * iw * C));
        for (int64_t e = 0; e < E; ++e)
            for (int64_t a = 0; a < A; ++a) {
                // MATLAB is column-major: element (h, w, c, a, e) at h + H*(w + W*(c + C*(a + A*e)))
                for (int64_t h = 0; h < ih; ++h)
                    for (int64_t x = 0; x < iw; ++x)
                        for (int64_t c = 0; c < C; ++c)
                            img[static_cast<size_t>((h * iw + x) * C + c)] =
                                im.data[static_cast<size_t>(h + ih * (x + iw * (c + C * (a + A * e))))];
                const int64_t idx = (e * A + a) * NC + car;
                uint8_t* dst = all.data() + idx * ob;
                if (ih == oh && iw == ow) std::copy(img.begin(), img.end(), dst);
                else pil_bilinear_resize(img.data(), static_cast<int>(ih), static_cast<int>(iw), static_cast<int>(C), dst,
                                         static_cast<int>(oh), static_cast<int>(ow));
            }
    }
    for (int64_t s = 0; s < spec.size(); s += kBatch) {
        const int64_t n = std::min(kBatch, spec.size() - s);
        w.write(s, n, all.data() + s * ob);
    }
}

void convert_smallnorb(const RealDatasetSpec& spec, const PrepareInputs& in, H5ImageWriter& w) {
    std::string dat_p, cat_p, info_p;
    for (const auto& [name, path] : in.files) {
        if (name.find("-dat.") != std::string::npos) dat_p = path;
        if (name.find("-cat.") != std::string::npos) cat_p = path;
        if (name.find("-info.") != std::string::npos) info_p = path;
    }
    const NorbMatrix dat = read_norb_matrix(dat_p), cat = read_norb_matrix(cat_p), info = read_norb_matrix(info_p);
    const int64_t N = spec.size();
    if (dat.magic != kNorbU8 || dat.dims.size() != 4 || dat.dims[0] != N || dat.dims[1] != 2)
        throw layout_error(spec, "'" + dat_p + "' holds " + shape_text(dat.dims) + ", expected uint8 (" + std::to_string(N) +
                                     ", 2, H, W)");
    if ((cat.magic != kNorbI32) || cat.dims != std::vector<int64_t>{N})
        throw layout_error(spec, "'" + cat_p + "' holds " + shape_text(cat.dims) + ", expected int32 (" + std::to_string(N) + ",)");
    if ((info.magic != kNorbI32) || info.dims != std::vector<int64_t>{N, 4})
        throw layout_error(spec, "'" + info_p + "' holds " + shape_text(info.dims) + ", expected int32 (" + std::to_string(N) + ", 4)");
    const auto cats = cat.as_int64(), infos = info.as_int64();
    // factor rows: category, instance, elevation, azimuth / 2, lighting
    std::vector<int64_t> inst_ids;
    for (int64_t i = 0; i < N; ++i) inst_ids.push_back(infos[static_cast<size_t>(4 * i)]);
    std::sort(inst_ids.begin(), inst_ids.end());
    inst_ids.erase(std::unique(inst_ids.begin(), inst_ids.end()), inst_ids.end());
    std::vector<std::array<int64_t, 5>> rows(static_cast<size_t>(N));
    for (int64_t i = 0; i < N; ++i) {
        const int64_t* r = infos.data() + 4 * i;
        rows[static_cast<size_t>(i)] = {cats[static_cast<size_t>(i)], r[0], r[1], r[2] / 2, r[3]};
    }
    std::vector<int64_t> order(static_cast<size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return rows[static_cast<size_t>(a)] < rows[static_cast<size_t>(b)]; });
    const StateSpace ss(spec.factor_sizes, spec.factor_names);
    std::vector<int64_t> pos(5);
    for (int64_t i = 0; i < N; ++i) {
        auto r = rows[static_cast<size_t>(order[static_cast<size_t>(i)])];
        r[1] = std::lower_bound(inst_ids.begin(), inst_ids.end(), r[1]) - inst_ids.begin();  // instance rank
        ss.idx_to_pos(i, pos.data());
        for (int f = 0; f < 5; ++f)
            if (r[static_cast<size_t>(f)] != pos[static_cast<size_t>(f)])
                throw layout_error(spec, "the -cat/-info labels do not form the complete " + shape_text(spec.factor_sizes) +
                                             " factor grid (row " + std::to_string(i) + " after sorting; damaged labels?)");
    }
    const int64_t ih = dat.dims[2], iw = dat.dims[3], oh = spec.height, ow = spec.width, ob = oh * ow;
    std::vector<uint8_t> buf(static_cast<size_t>(kBatch * ob));
    for (int64_t s = 0; s < N; s += kBatch) {
        const int64_t n = std::min(kBatch, N - s);
        for (int64_t i = 0; i < n; ++i) {
            const uint8_t* src = dat.data.data() + order[static_cast<size_t>(s + i)] * 2 * ih * iw;  // first of the pair
            uint8_t* dst = buf.data() + i * ob;
            if (ih == oh && iw == ow) std::copy(src, src + ob, dst);
            else pil_bilinear_resize(src, static_cast<int>(ih), static_cast<int>(iw), 1, dst, static_cast<int>(oh), static_cast<int>(ow));
        }
        w.write(s, n, buf.data());
    }
}

std::vector<RealDatasetSpec> builtin_specs() {
    std::vector<RealDatasetSpec> v;
    {
        RealDatasetSpec s;
        s.key = "dsprites";
        s.folder = "dsprites";
        s.description = "dSprites: 2D shapes (DeepMind), 737,280 binary 64x64 images";
        s.factor_names = {"shape", "scale", "orientation", "position_x", "position_y"};
        s.factor_sizes = {3, 6, 40, 32, 32};
        s.height = s.width = 64, s.channels = 1;
        s.mean = {0.042494423521889584};
        s.std = {0.19516645880626055};
        s.files = {{{"dsprites_ndarray_co1sh3sc6or40x32y32_64x64.hdf5", "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"},
                    "d6ee1e43db715c2f0de3c41e38863347", "b331c4447a651c44bf5e8ae09022e230"}};
        s.published = "https://github.com/deepmind/dsprites-dataset (raw file dsprites_ndarray_co1sh3sc6or40x32y32_64x64.hdf5 or .npz)";
        s.howto = "the .hdf5 (dataset imgs, latents/classes) or the .npz (imgs, latents_classes)";
        s.convert = convert_dsprites;
        v.push_back(s);
    }
    {
        RealDatasetSpec s;
        s.key = "shapes3d";
        s.folder = "3dshapes";
        s.description = "3D Shapes (DeepMind), 480,000 64x64 RGB images";
        s.factor_names = {"floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation"};
        s.factor_sizes = {10, 10, 10, 8, 4, 15};
        s.mean = {0.502584966788819, 0.5787597566089667, 0.6034499731859578};
        s.std = {0.2940814043555559, 0.3443979087517214, 0.3661685981524748};
        s.files = {{{"3dshapes.h5"}, "85b20ed7cc8dc1f939f7031698d2d2ab", "099a2078d58cec4daad0702c55d06868"}};
        s.published = "https://storage.googleapis.com/3d-shapes/3dshapes.h5";
        s.howto = "3dshapes.h5 (datasets images, labels)";
        s.convert = convert_shapes3d;
        v.push_back(s);
    }
    {
        RealDatasetSpec s;
        s.key = "cars3d";
        s.folder = "cars3d";
        s.description = "Cars3D (Reed et al. 2015), 17,568 images resized 128->64 (PIL bilinear)";
        s.factor_names = {"elevation", "azimuth", "object_type"};
        s.factor_sizes = {4, 24, 183};
        s.mean = {0.8976676149976628, 0.8891658020067508, 0.885147515814868};
        s.std = {0.22503195531503034, 0.2399461278981261, 0.24792106319684404};
        s.files = {{{"nips2015-analogy-data.tar.gz"}, "fe77d39e3fa9d77c31df2262660c2a67", "4e866a7919c1beedf53964e6f7a23686", true}};
        s.published = "http://www.scottreed.info/files/nips2015-analogy-data.tar.gz";
        s.howto = "the unpacked archive: data/cars/list.txt and data/cars/<name>.mat (the .tar.gz, if also there, is checksummed)";
        s.convert = convert_cars3d;
        v.push_back(s);
    }
    {
        RealDatasetSpec s;
        s.key = "smallnorb";
        s.folder = "smallnorb";
        s.description = "SmallNORB training split, 24,300 images (left camera) resized 96->64 (PIL bilinear)";
        s.factor_names = {"category", "instance", "elevation", "rotation", "lighting"};
        s.factor_sizes = {5, 5, 9, 18, 6};
        s.height = s.width = 64, s.channels = 1;
        s.mean = {0.7520918401088603};
        s.std = {0.09563879016827262};
        const std::string stem = "smallnorb-5x46789x9x18x6x2x96x96-training-";
        s.files = {{{stem + "dat.mat.gz", stem + "dat.mat"}, "92560cccc7bcbd6512805e435448b62d", "66054832f9accfe74a0f4c36a75bc0a2"},
                   {{stem + "cat.mat.gz", stem + "cat.mat"}, "348fc3ccefd651d69f500611988b5dcd", "23c8b86101fbf0904a000b43d3ed2fd9"},
                   {{stem + "info.mat.gz", stem + "info.mat"}, "f1b170c16925867c05f58608eb33ba7f", "51dee1210a742582ff607dfd94e332e3"}};
        s.published = "https://cs.nyu.edu/~ylclab/data/norb-v1.0-small/";
        s.howto = "the three training -dat/-cat/-info .mat.gz files (or gunzipped .mat)";
        s.convert = convert_smallnorb;
        v.push_back(s);
    }
    const char* subsets[3][3] = {{"toy", "146138e36ff495e77ceacdc8cf14c37e", "55889cb7c7dfc655d6e0277beee88868"},
                                 {"realistic", "96c8ff1155dd61f79d3493edef9f19e9", "59a6225b88b635365f70c91b3e52f70f"},
                                 {"real", "e2941bba6f4a2b130edc5f364637b39e", "0f33f609918fb5c97996692f91129802"}};
    const std::vector<std::vector<double>> means = {
        {0.22437325567325045, 0.22141877351640138, 0.22625457849943273},
        {0.17986945797157425, 0.20474678611954758, 0.18148154235228137},
        {0.12848577057593918, 0.1648033279246875, 0.13971583058948006}};
    const std::vector<std::vector<double>> stds = {
        {0.0690013611690731, 0.06343387069571882, 0.07607519758722009},
        {0.08746476487506775, 0.09330995331830938, 0.09242232801328121},
        {0.09329210572942123, 0.09203401520672466, 0.10322983729706256}};
    for (int i = 0; i < 3; ++i) {
        RealDatasetSpec s;
        s.key = std::string("mpi3d_") + subsets[i][0];
        s.folder = "mpi3d";
        s.description = std::string("MPI3D ") + subsets[i][0] + " (Gondal et al. 2019), 1,036,800 64x64 RGB images";
        s.factor_names = {"object_color", "object_shape", "object_size", "camera_height", "background_color", "first_dof", "second_dof"};
        s.factor_sizes = {6, 6, 2, 3, 3, 40, 40};
        s.mean = means[static_cast<size_t>(i)];
        s.std = stds[static_cast<size_t>(i)];
        const std::string file = s.key + ".npz";
        s.files = {{{file}, subsets[i][1], subsets[i][2]}};
        s.published = "https://storage.googleapis.com/disentanglement_dataset/Final_Dataset/" + file;
        s.howto = file + " (array images)";
        s.convert = convert_npz_images;
        v.push_back(s);
    }
    return v;
}

void fsync_path(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw UserError("cannot open '" + path + "' to sync it");
    const int r = ::fsync(fd);
    ::close(fd);
    if (r != 0) throw UserError("cannot sync '" + path + "' (disk full?)");
}

bool same_bytes(const std::string& a, const std::string& b) {
    std::error_code ec;
    if (fs::file_size(a, ec) != fs::file_size(b, ec)) return false;
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    std::vector<char> ba(1 << 20), bb(1 << 20);
    while (fa && fb) {
        fa.read(ba.data(), static_cast<std::streamsize>(ba.size()));
        fb.read(bb.data(), static_cast<std::streamsize>(bb.size()));
        if (fa.gcount() != fb.gcount() || std::memcmp(ba.data(), bb.data(), static_cast<size_t>(fa.gcount())) != 0) return false;
    }
    return true;
}

std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) b /= 1024, ++u;
    std::ostringstream os;
    os.precision(u == 0 ? 0 : 1);
    os << std::fixed << b << " " << units[u];
    return os.str();
}

}  // namespace

int64_t RealDatasetSpec::size() const {
    int64_t n = 1;
    for (int64_t s : factor_sizes) n *= s;
    return n;
}

std::vector<RealDatasetSpec>& real_dataset_specs() {
    static std::vector<RealDatasetSpec> specs = builtin_specs();
    return specs;
}

const RealDatasetSpec* find_real_dataset(const std::string& key) {
    for (const auto& s : real_dataset_specs())
        if (s.key == key) return &s;
    return nullptr;
}

std::string resolve_data_root(const std::string& explicit_root) {
    std::string r = explicit_root;
    if (r.empty()) {
        const char* env = std::getenv("DISENT_DATA_ROOT");
        r = env && *env ? env : "data/dataset";
    }
    return fs::absolute(r).lexically_normal().string();
}

std::string prepared_path(const RealDatasetSpec& spec, const std::string& root) {
    return (fs::path(root) / spec.folder / (spec.key + ".h5")).string();
}

PrepareResult prepare_dataset(const RealDatasetSpec& spec, const std::string& source_dir, const std::string& root,
                              const PrepareOptions& opts) {
    if (opts.hash_mode != "fast" && opts.hash_mode != "full")
        throw UserError("--hash must be 'fast' or 'full', got '" + opts.hash_mode + "'");
    if (!fs::is_directory(source_dir))
        throw UserError("dataset '" + spec.key + "': source folder '" + source_dir + "' does not exist; it must hold " +
                        spec.howto + " (published at " + spec.published + ")");
    PrepareResult res;
    PrepareInputs in;
    in.source_dir = source_dir;
    std::vector<std::string> missing;
    for (const auto& sf : spec.files) {
        std::string found, found_name;
        for (const auto& n : sf.names)
            if (fs::is_regular_file(fs::path(source_dir) / n)) {
                found = (fs::path(source_dir) / n).string();
                found_name = n;
                break;
            }
        if (found.empty()) {
            if (!sf.optional) {
                std::string alts;
                for (const auto& n : sf.names) alts += (alts.empty() ? "" : " or ") + n;
                missing.push_back(alts);
            }
            continue;
        }
        // checksum
        std::string expected;
        if (auto it = opts.expected_md5.find(found_name); it != opts.expected_md5.end()) expected = it->second;
        else if (found_name == sf.names[0]) expected = opts.hash_mode == "full" ? sf.md5_full : sf.md5_fast;
        if (opts.skip_checksum) {
            res.notes.push_back("checksum of '" + found_name + "' skipped (--skip-checksum)");
        } else if (expected.empty()) {
            res.notes.push_back("no published checksum for '" + found_name + "': checked by its layout only");
        } else {
            const std::string got = file_hash(found, opts.hash_mode);
            if (got != expected)
                throw UserError("dataset '" + spec.key + "': checksum mismatch for '" + found + "' (md5 " + opts.hash_mode +
                                " " + got + ", expected " + expected + "): the file is damaged or a different version; get it again from " +
                                spec.published);
        }
        if (!sf.optional) in.files[sf.names[0]] = found;
    }
    if (spec.key.rfind("cars3d", 0) == 0 && find_cars_folder(source_dir).empty())
        missing.push_back("data/cars/list.txt (+ the per-car .mat files; unpack nips2015-analogy-data.tar.gz into the folder)");
    if (!missing.empty()) {
        std::string m;
        for (const auto& s : missing) m += (m.empty() ? "" : ", ") + s;
        throw UserError("dataset '" + spec.key + "': missing source file(s) in '" + source_dir + "': " + m + " (published at " +
                        spec.published + ")");
    }

    const std::string final_path = prepared_path(spec, root);
    io::make_dirs(fs::path(final_path).parent_path().string());
    const std::string tmp = final_path + ".tmp-" + std::to_string(::getpid());
    {
        std::error_code ec;
        fs::remove(tmp, ec);  // a stale temp file of an earlier process with this pid (a link is removed, not followed)
    }
    try {
        H5ImageMeta meta{spec.key, spec.factor_names, spec.factor_sizes};
        H5ImageWriter w(tmp, spec.size(), spec.height, spec.width, spec.channels, meta);
        spec.convert(spec, in, w);
        w.close();
        fsync_path(tmp);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    res.path = final_path;
    std::error_code ec;
    if (fs::exists(final_path)) {
        if (same_bytes(tmp, final_path)) {
            fs::remove(tmp, ec);
            write_store_checksum(final_path);
            res.status = "unchanged";
            return res;
        }
        if (!opts.force) {
            fs::remove(tmp, ec);
            throw UserError("dataset '" + spec.key + "': '" + final_path +
                            "' already exists and differs from the conversion of these sources; refusing to overwrite it "
                            "(remove it or pass --force)");
        }
        res.status = "replaced";
    } else {
        res.status = "created";
    }
    fs::rename(tmp, final_path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw UserError("cannot move the prepared file into place at '" + final_path + "'");
    }
    write_store_checksum(final_path);
    return res;
}

// ---- integrity of prepared files ---------------------------------------------------------------------
// libhdf5 can crash on a damaged file (fuzz_h5: a segfault in H5VM_memcpyvv within ~200 mutated inputs),
// so a prepared store is opened only after its size and fast MD5 (spec §5.2) match the ones recorded
// when it was written: `<store>.h5.md5` holds "<bytes> <fast md5>".
void write_store_checksum(const std::string& store) {
    io::write_file_atomic(store + ".md5", std::to_string(fs::file_size(store)) + " " + file_hash(store, "fast") + "\n");
}

void verify_store_checksum(const std::string& store, const std::string& key) {
    const std::string again = "; prepare it again with `disent-run data prepare " + key + " --force`";
    if (!fs::exists(store + ".md5")) throw UserError("'" + store + "' has no checksum file (" + store + ".md5)" + again);
    std::istringstream in(io::read_file(store + ".md5"));
    uint64_t size = 0;
    std::string md5;
    if (!(in >> size >> md5)) throw UserError("'" + store + ".md5' is damaged" + again);
    if (fs::file_size(store) != size || file_hash(store, "fast") != md5)
        throw UserError("'" + store + "' is damaged or truncated (size/checksum differ from when it was prepared)" + again);
}

// ---- loading -----------------------------------------------------------------------------------------

ParamTable PreparedData::param_table() {
    return {
        {"data_root", ParamType::String, "null",
         "data root holding <folder>/<name>.h5 (null: $DISENT_DATA_ROOT, else ./data/dataset)", {}, {}, {}, true},
        {"in_memory", ParamType::Bool, "false",
         "load the whole prepared file into RAM (else read images through an HDF5 chunk cache)", {}, {}},
        {"standardise", ParamType::Bool, "true", "standardise inputs with the dataset's mean/std constants", {}, {}},
        {"read_mode", ParamType::String, "cache",
         "cache: read images through HDF5's 32 MiB chunk cache; direct: read raw chunks and inflate them outside "
         "the HDF5 lock (parallel across threads, no cache)", {}, {}, {"cache", "direct"}},
    };
}

PreparedData::PreparedData(const RealDatasetSpec& spec, const Params& p) : spec_(spec) {
    open(resolve_data_root(p.is_null("data_root") ? "" : p.get_string("data_root")), p.get_bool("in_memory"));
    if (!p.get_bool("standardise")) mean_.clear(), std_.clear();
    direct_ = p.get_string("read_mode") == "direct";
}

PreparedData::PreparedData(const RealDatasetSpec& spec, const std::string& root, bool in_memory, bool standardise)
    : spec_(spec) {
    open(resolve_data_root(root), in_memory);
    if (!standardise) mean_.clear(), std_.clear();
}

void PreparedData::open(const std::string& root, bool in_memory) {
    path_ = prepared_path(spec_, root);
    if (!fs::exists(path_))
        throw UserError("dataset '" + spec_.key + "' is not prepared: '" + path_ + "' does not exist; run `disent-run data prepare " +
                        spec_.key + " --source DIR --root " + root + "` with " + spec_.howto + " (see docs/datasets.md)");
    verify_store_checksum(path_, spec_.key);
    reader_ = std::make_unique<H5ArrayReader>(path_, "images", size_t{32} << 20);
    const std::vector<int64_t> want{spec_.size(), spec_.height, spec_.width, spec_.channels};
    if (reader_->dims() != want || reader_->int_list_attr("factor_sizes") != spec_.factor_sizes)
        throw UserError("'" + path_ + "' holds " + shape_text(reader_->dims()) + " images with factor sizes " +
                        shape_text(reader_->int_list_attr("factor_sizes")) + ", expected " + shape_text(want) + " and " +
                        shape_text(spec_.factor_sizes) + "; prepare it again with --force");
    states_ = StateSpace(spec_.factor_sizes, spec_.factor_names);
    height_ = spec_.height, width_ = spec_.width, channels_ = spec_.channels;
    mean_ = spec_.mean, std_ = spec_.std;
    if (in_memory) {
        try {
            ram_.resize(static_cast<size_t>(spec_.size() * obs_bytes()));
        } catch (const std::bad_alloc&) {
            throw UserError("dataset '" + spec_.key + "': in_memory=true needs " + human_bytes(double(spec_.size()) * obs_bytes()) + " of RAM");
        }
        const int64_t step = 4096;
        for (int64_t s = 0; s < spec_.size(); s += step)
            reader_->read_u8(s, std::min(step, spec_.size() - s), ram_.data() + s * obs_bytes());
    }
}

void PreparedData::render(int64_t idx, uint8_t* out) const {
    if (idx < 0 || idx >= spec_.size()) throw std::out_of_range("PreparedData::render: index");
    if (!ram_.empty()) {
        std::memcpy(out, ram_.data() + idx * obs_bytes(), static_cast<size_t>(obs_bytes()));
        return;
    }
    if (direct_ && reader_->read_row_direct(idx, out)) return;
    reader_->read_u8(idx, 1, out);
}

void PreparedData::read_range(int64_t start, int64_t count, uint8_t* out) const {
    if (!ram_.empty()) {
        std::memcpy(out, ram_.data() + start * obs_bytes(), static_cast<size_t>(count * obs_bytes()));
        return;
    }
    reader_->read_u8(start, count, out);
}

std::string dataset_info_text(const RealDatasetSpec& spec, const std::string& root) {
    std::ostringstream os;
    os << spec.key << ": " << spec.description << "\n";
    os << "  factors:      ";
    for (size_t i = 0; i < spec.factor_names.size(); ++i) os << (i ? ", " : "") << spec.factor_names[i] << "=" << spec.factor_sizes[i];
    os << "\n  observations: " << spec.size() << " x (" << spec.height << ", " << spec.width << ", " << spec.channels
       << ") uint8 (" << human_bytes(double(spec.size()) * spec.height * spec.width * spec.channels) << " raw)\n";
    os.precision(17);
    os << "  mean:         ";
    for (size_t i = 0; i < spec.mean.size(); ++i) os << (i ? ", " : "") << spec.mean[i];
    os << "\n  std:          ";
    for (size_t i = 0; i < spec.std.size(); ++i) os << (i ? ", " : "") << spec.std[i];
    os << "\n  source files: " << spec.howto << "\n";
    for (const auto& f : spec.files) {
        os << "    ";
        for (size_t i = 0; i < f.names.size(); ++i) os << (i ? " | " : "") << f.names[i];
        if (!f.md5_fast.empty()) os << "  (md5 fast " << f.md5_fast << ", full " << f.md5_full << ")";
        if (f.optional) os << "  [optional]";
        os << "\n";
    }
    os << "  published at: " << spec.published << "\n";
    const std::string p = prepared_path(spec, root);
    std::error_code ec;
    if (fs::exists(p, ec))
        os << "  prepared:     yes, " << p << " (" << human_bytes(double(fs::file_size(p, ec))) << " on disk)\n";
    else
        os << "  prepared:     no (" << p << " missing): disent-run data prepare " << spec.key << " --source DIR\n";
    return os.str();
}

}  // namespace disent::data
