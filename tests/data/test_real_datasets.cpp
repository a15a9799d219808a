// The file-backed datasets: small files in each genuine format (npz via lib/io, HDF5 via the C API, MATLAB
// v5 via matio, SmallNORB binary matrices gzipped or not) are prepared into the HDF5 store and checked
// against the generator; damaged sources fail cleanly and leave no partial output.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <matio.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "data/md5.hpp"
#include "data/pil_resize.hpp"
#include "data/real_datasets.hpp"
#include "data/registry.hpp"
#include "data/source_formats.hpp"
#include "io/atomic_file.hpp"
#include "io/npz.hpp"
#include "test_util.hpp"

using namespace disent;
using namespace disent::data;
using disent::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// A builtin spec with other factor sizes / image size under a test key.
RealDatasetSpec mini(const std::string& key, std::vector<int64_t> sizes, int hw) {
    RealDatasetSpec s = *find_real_dataset(key);
    s.key = "test_" + key;
    s.factor_sizes = std::move(sizes);
    s.height = s.width = hw;
    return s;
}

uint8_t pixel(int64_t idx, int64_t p) { return static_cast<uint8_t>((idx * 31 + p * 7 + (idx * p) % 13) % 256); }

void write_h5(const std::string& path, const std::map<std::string, std::pair<std::vector<hsize_t>, std::vector<uint8_t>>>& u8,
              const std::map<std::string, std::pair<std::vector<hsize_t>, std::vector<double>>>& f64 = {}) {
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (const auto& [name, a] : u8) {
        hid_t s = H5Screate_simple(static_cast<int>(a.first.size()), a.first.data(), nullptr);
        hid_t d = H5Dcreate2(f, name.c_str(), H5T_STD_U8LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.second.data());
        H5Dclose(d), H5Sclose(s);
    }
    for (const auto& [name, a] : f64) {
        hid_t s = H5Screate_simple(static_cast<int>(a.first.size()), a.first.data(), nullptr);
        hid_t d = H5Dcreate2(f, name.c_str(), H5T_IEEE_F64LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.second.data());
        H5Dclose(d), H5Sclose(s);
    }
    H5Pclose(lcpl);
    H5Fclose(f);
}

void write_gz(const std::string& path, const std::string& bytes) {
    gzFile g = gzopen(path.c_str(), "wb");
    gzwrite(g, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(g);
}

void write_plain(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::vector<uint8_t> render(const GroundTruthData& d, int64_t idx) {
    std::vector<uint8_t> img(static_cast<size_t>(d.obs_bytes()));
    d.render(idx, img.data());
    return img;
}

PrepareOptions hashes_of(const std::string& dir, const std::vector<std::string>& names) {
    PrepareOptions o;
    for (const auto& n : names) o.expected_md5[n] = file_hash(dir + "/" + n, "fast");
    return o;
}

bool no_temp_files(const std::string& root) {
    if (!fs::exists(root)) return true;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.path().string().find(".tmp-") != std::string::npos) return false;
    return true;
}

const char* kDspritesNpz = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz";
const char* kDspritesH5 = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.hdf5";

// dSprites-style binary images and latents (colour column 0, then the factors in row-major order).
void dsprites_arrays(const RealDatasetSpec& s, std::vector<uint8_t>& imgs, std::vector<int64_t>& classes) {
    const StateSpace ss(s.factor_sizes, s.factor_names);
    const int64_t px = int64_t{s.height} * s.width;
    for (int64_t i = 0; i < s.size(); ++i) {
        for (int64_t p = 0; p < px; ++p) imgs.push_back(pixel(i, p) & 1);
        classes.push_back(0);
        for (auto v : ss.idx_to_pos(i)) classes.push_back(v);
    }
}

}  // namespace

TEST(FileHash, FastAndFullModes) {
    TempDir t;
    std::string big, small;
    for (int i = 0; i < 60000; ++i) big.push_back(static_cast<char>(i % 251));
    for (int i = 0; i < 1000; ++i) small.push_back(static_cast<char>(i % 251));
    write_plain(t / "big", big);
    write_plain(t / "small", small);
    EXPECT_EQ(file_hash(t / "big", "fast"), "67ef2cf89e7e6b9b8da2e321c74756ac");  // Python oracle of spec §5.2
    EXPECT_EQ(file_hash(t / "big", "full"), "c60141d5406135907b24a245ec7f34de");
    EXPECT_EQ(file_hash(t / "small", "fast"), "44735298f04c71cbcf916a791b979035");
}

TEST(RealDatasets, BuiltinTable) {
    register_all();
    for (const char* k : {"dsprites", "shapes3d", "cars3d", "smallnorb", "mpi3d_toy", "mpi3d_realistic", "mpi3d_real"}) {
        const auto* s = find_real_dataset(k);
        ASSERT_NE(s, nullptr) << k;
        EXPECT_EQ(s->mean.size(), static_cast<size_t>(s->channels)) << k;
        EXPECT_TRUE(dataset_registry().find(k)) << k;
        EXPECT_EQ(dataset_registry().get(k).info.traits.at("needs_prepare"), "true");
    }
    EXPECT_EQ(find_real_dataset("dsprites")->size(), 737280);
    EXPECT_EQ(find_real_dataset("shapes3d")->size(), 480000);
    EXPECT_EQ(find_real_dataset("cars3d")->size(), 17568);
    EXPECT_EQ(find_real_dataset("smallnorb")->size(), 24300);
    EXPECT_EQ(find_real_dataset("mpi3d_real")->size(), 1036800);
    // not prepared -> one-line error pointing at `data prepare`
    TempDir t;
    try {
        make_dataset("dsprites", {{"data_root", t.path()}});
        FAIL();
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("data prepare dsprites"), std::string::npos) << e.what();
    }
}

TEST(RealDatasets, DspritesNpzAndHdf5) {
    TempDir t;
    auto s = mini("dsprites", {3, 2, 2, 2, 2}, 8);
    std::vector<uint8_t> imgs;
    std::vector<int64_t> classes;
    dsprites_arrays(s, imgs, classes);
    const int64_t N = s.size();
    fs::create_directories(t / "npz");
    io::write_npz(t / "npz" + "/" + kDspritesNpz,
                  {{"imgs", io::make_array(imgs, {N, 8, 8})}, {"latents_classes", io::make_array(classes, {N, 6})},
                   {"latents_values", io::make_array(std::vector<double>(static_cast<size_t>(N * 6), 0.5), {N, 6})}});
    auto r = prepare_dataset(s, t / "npz", t / "root", hashes_of(t / "npz", {kDspritesNpz}));
    EXPECT_EQ(r.status, "created");
    EXPECT_EQ(r.path, t / "root" + "/dsprites/test_dsprites.h5");
    for (bool in_memory : {false, true}) {
        PreparedData d(s, t / "root", in_memory);
        EXPECT_EQ(d.channels(), 1);
        EXPECT_EQ(d.states().size(), N);
        EXPECT_EQ(d.norm_mean(), s.mean);
        for (int64_t i : {int64_t{0}, int64_t{17}, N - 1}) {
            auto img = render(d, i);
            for (int64_t p = 0; p < 64; ++p) ASSERT_EQ(img[static_cast<size_t>(p)], (pixel(i, p) & 1) * 255) << i;
        }
    }
    // the same content as HDF5 (imgs + latents/classes) gives the same prepared bytes
    fs::create_directories(t / "h5");
    std::vector<double> cd(classes.begin(), classes.end());
    write_h5(t / "h5" + "/" + kDspritesH5, {{"imgs", {{hsize_t(N), 8, 8}, imgs}}}, {{"latents/classes", {{hsize_t(N), 6}, cd}}});
    auto r2 = prepare_dataset(s, t / "h5", t / "root", hashes_of(t / "h5", {kDspritesH5}));
    EXPECT_EQ(r2.status, "unchanged");
    // latents out of row-major order -> layout error, nothing written
    std::swap(classes[6 + 5], classes[12 + 5]);
    fs::create_directories(t / "bad");
    io::write_npz(t / "bad" + "/" + kDspritesNpz, {{"imgs", io::make_array(imgs, {N, 8, 8})}, {"latents_classes", io::make_array(classes, {N, 6})}});
    PrepareOptions o = hashes_of(t / "bad", {kDspritesNpz});
    EXPECT_THROW(prepare_dataset(s, t / "bad", t / "root2", o), UserError);
    EXPECT_FALSE(fs::exists(t / "root2" + "/dsprites/test_dsprites.h5"));
    EXPECT_TRUE(no_temp_files(t / "root2"));
}

TEST(RealDatasets, Shapes3dHdf5) {
    TempDir t;
    auto s = mini("shapes3d", {2, 2, 2, 2, 2, 3}, 8);
    const int64_t N = s.size(), ob = 8 * 8 * 3;
    std::vector<uint8_t> imgs;
    for (int64_t i = 0; i < N; ++i)
        for (int64_t p = 0; p < ob; ++p) imgs.push_back(pixel(i, p));
    write_h5(t / "3dshapes.h5", {{"images", {{hsize_t(N), 8, 8, 3}, imgs}}},
             {{"labels", {{hsize_t(N), 6}, std::vector<double>(static_cast<size_t>(N * 6), 1.0)}}});
    prepare_dataset(s, t.path(), t / "root", hashes_of(t.path(), {"3dshapes.h5"}));
    PreparedData d(s, t / "root", false);
    EXPECT_EQ(d.name(), "3dshapes");
    PreparedData cached(s, t / "root", false);
    d.set_direct_reads(true);
    for (int64_t i = 0; i < N; ++i) {
        ASSERT_EQ(render(d, i), std::vector<uint8_t>(imgs.begin() + i * ob, imgs.begin() + (i + 1) * ob));
        ASSERT_EQ(render(cached, i), render(d, i));
    }
    std::vector<uint8_t> range(static_cast<size_t>(5 * ob));
    d.read_range(3, 5, range.data());
    EXPECT_TRUE(std::equal(range.begin(), range.end(), imgs.begin() + 3 * ob));
    // metadata attributes of the store
    H5ArrayReader h(d.path(), "images");
    EXPECT_EQ(h.string_list_attr("factor_names"), s.factor_names);
    EXPECT_EQ(h.int_list_attr("factor_sizes"), s.factor_sizes);
    EXPECT_EQ(h.string_attr("dataset"), "test_shapes3d");
    // a truncated HDF5 source: clear error, nothing left behind
    TempDir bad;
    const std::string bytes = io::read_file(t / "3dshapes.h5");
    write_plain(bad / "3dshapes.h5", bytes.substr(0, bytes.size() * 2 / 3));
    PrepareOptions skip;
    skip.skip_checksum = true;
    EXPECT_THROW(prepare_dataset(s, bad.path(), bad / "root", skip), UserError);
    EXPECT_FALSE(fs::exists(bad / "root/3dshapes/test_shapes3d.h5"));
    EXPECT_TRUE(no_temp_files(bad / "root"));
    // a prepared store that was damaged afterwards is refused before libhdf5 reads it
    const std::string store = d.path();
    const std::string good = io::read_file(store);
    for (const std::string& damaged : {good.substr(0, good.size() - 100), std::string(good).replace(good.size() / 2, 4, "XXXX")}) {
        std::ofstream(store, std::ios::binary | std::ios::trunc) << damaged;
        try {
            PreparedData again(s, t / "root", false);
            ADD_FAILURE() << "a damaged store was opened";
        } catch (const UserError& e) {
            EXPECT_NE(std::string(e.what()).find("damaged or truncated"), std::string::npos) << e.what();
        }
    }
    fs::remove(store + ".md5");
    std::ofstream(store, std::ios::binary | std::ios::trunc) << good;
    EXPECT_THROW(PreparedData(s, t / "root", false), UserError);  // no checksum file: prepare again
}

TEST(RealDatasets, Mpi3dNpzAndDamagedSources) {
    TempDir t;
    auto s = mini("mpi3d_toy", {2, 2, 1, 1, 1, 3, 2}, 4);
    const int64_t N = s.size(), ob = 4 * 4 * 3;
    std::vector<uint8_t> imgs;
    for (int64_t i = 0; i < N; ++i)
        for (int64_t p = 0; p < ob; ++p) imgs.push_back(pixel(i, p));
    io::write_npz(t / "mpi3d_toy.npz", {{"images", io::make_array(imgs, {N, 4, 4, 3})}}, /*compress=*/false);
    const auto opts = hashes_of(t.path(), {"mpi3d_toy.npz"});
    // wrong checksum
    PrepareOptions wrong;
    wrong.expected_md5["mpi3d_toy.npz"] = "00000000000000000000000000000000";
    try {
        prepare_dataset(s, t.path(), t / "root", wrong);
        FAIL();
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("storage.googleapis.com"), std::string::npos) << e.what();
    }
    // the published hash applies when none is given: a synthetic file never matches it
    EXPECT_THROW(prepare_dataset(s, t.path(), t / "root", PrepareOptions{}), UserError);
    // missing file: names the expected file and where it is published
    TempDir empty;
    try {
        prepare_dataset(s, empty.path(), t / "root", opts);
        FAIL();
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("mpi3d_toy.npz"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("published at"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(t / "root" + "/mpi3d"));
    // a truncated source: clear error, no partial HDF5, no temp file
    const std::string full = io::read_file(t / "mpi3d_toy.npz");
    TempDir trunc;
    write_plain(trunc / "mpi3d_toy.npz", full.substr(0, full.size() / 2));
    PrepareOptions skip;
    skip.skip_checksum = true;
    EXPECT_THROW(prepare_dataset(s, trunc.path(), t / "root", skip), UserError);
    EXPECT_FALSE(fs::exists(t / "root" + "/mpi3d/test_mpi3d_toy.h5"));
    EXPECT_TRUE(no_temp_files(t / "root"));
    // a good one, then a different one must not overwrite it
    EXPECT_EQ(prepare_dataset(s, t.path(), t / "root", opts).status, "created");
    PreparedData d(s, t / "root", true);
    EXPECT_EQ(render(d, N - 1), std::vector<uint8_t>(imgs.end() - ob, imgs.end()));
    EXPECT_EQ(prepare_dataset(s, t.path(), t / "root", opts).status, "unchanged");
    imgs[0] ^= 1;
    TempDir other;
    io::write_npz(other / "mpi3d_toy.npz", {{"images", io::make_array(imgs, {N, 4, 4, 3})}});
    auto o2 = hashes_of(other.path(), {"mpi3d_toy.npz"});
    try {
        prepare_dataset(s, other.path(), t / "root", o2);
        FAIL();
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("refusing to overwrite"), std::string::npos) << e.what();
    }
    EXPECT_EQ(render(PreparedData(s, t / "root", false), 0)[0], static_cast<uint8_t>(imgs[0] ^ 1));
    o2.force = true;
    EXPECT_EQ(prepare_dataset(s, other.path(), t / "root", o2).status, "replaced");
    EXPECT_EQ(render(PreparedData(s, t / "root", false), 0)[0], imgs[0]);
    EXPECT_TRUE(no_temp_files(t / "root"));
}

TEST(RealDatasets, Cars3dMatFilesResizedLikePil) {
    TempDir t;
    auto s = mini("cars3d", {2, 3, 2}, 8);  // elevation 2, azimuth 3, 2 cars; 16 -> 8 pixels
    const int64_t E = 2, A = 3, NC = 2, H = 16, C = 3;
    fs::create_directories(t / "data/cars");
    std::ofstream(t / "data/cars/list.txt") << "car_a_mesh\ncar_b_mesh\n";
    auto value = [&](int64_t car, int64_t h, int64_t w, int64_t c, int64_t a, int64_t e) {
        return static_cast<uint8_t>((car * 101 + h * 9 + w * 5 + c * 60 + a * 17 + e * 29 + (h * w) % 7) % 256);
    };
    for (int64_t car = 0; car < NC; ++car) {
        std::vector<uint8_t> im(static_cast<size_t>(H * H * C * A * E));
        for (int64_t e = 0; e < E; ++e)
            for (int64_t a = 0; a < A; ++a)
                for (int64_t c = 0; c < C; ++c)
                    for (int64_t w = 0; w < H; ++w)
                        for (int64_t h = 0; h < H; ++h)
                            im[static_cast<size_t>(h + H * (w + H * (c + C * (a + A * e))))] = value(car, h, w, c, a, e);
        const std::string path = t / ("data/cars/car_" + std::string(car ? "b" : "a") + "_mesh.mat");
        mat_t* m = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
        size_t dims[5] = {size_t(H), size_t(H), size_t(C), size_t(A), size_t(E)};
        matvar_t* v = Mat_VarCreate("im", MAT_C_UINT8, MAT_T_UINT8, 5, dims, im.data(), 0);
        Mat_VarWrite(m, v, MAT_COMPRESSION_ZLIB);
        Mat_VarFree(v);
        Mat_Close(m);
    }
    auto r = prepare_dataset(s, t.path(), t / "root", PrepareOptions{});  // the tarball is optional
    EXPECT_FALSE(r.notes.empty() && false);
    PreparedData d(s, t / "root", false);
    for (int64_t e = 0; e < E; ++e)
        for (int64_t a = 0; a < A; ++a)
            for (int64_t car = 0; car < NC; ++car) {
                std::vector<uint8_t> hwc(static_cast<size_t>(H * H * C)), want(8 * 8 * 3);
                for (int64_t h = 0; h < H; ++h)
                    for (int64_t w = 0; w < H; ++w)
                        for (int64_t c = 0; c < C; ++c) hwc[static_cast<size_t>((h * H + w) * C + c)] = value(car, h, w, c, a, e);
                pil_bilinear_resize(hwc.data(), 16, 16, 3, want.data(), 8, 8);
                const int64_t idx = d.states().pos_to_idx(std::vector<int64_t>{e, a, car});
                EXPECT_EQ(idx, (e * A + a) * NC + car);
                ASSERT_EQ(render(d, idx), want) << e << " " << a << " " << car;
            }
    // a truncated .mat file fails cleanly
    TempDir bad;
    fs::create_directories(bad / "data/cars");
    std::ofstream(bad / "data/cars/list.txt") << "car_a_mesh\ncar_b_mesh\n";
    fs::copy_file(t / "data/cars/car_a_mesh.mat", bad / "data/cars/car_a_mesh.mat");
    const std::string b = io::read_file(t / "data/cars/car_b_mesh.mat");
    write_plain(bad / "data/cars/car_b_mesh.mat", b.substr(0, b.size() / 2));
    EXPECT_THROW(prepare_dataset(s, bad.path(), bad / "root", PrepareOptions{}), UserError);
    EXPECT_FALSE(fs::exists(bad / "root/cars3d/test_cars3d.h5"));
    EXPECT_TRUE(no_temp_files(bad / "root"));
    TempDir none;
    EXPECT_THROW(prepare_dataset(s, none.path(), none / "root", PrepareOptions{}), UserError);
}

TEST(RealDatasets, SmallNorbBinaryMatricesSortedAndResized) {
    auto s = mini("smallnorb", {2, 2, 2, 3, 2}, 8);  // 48 rows, 12 -> 8 pixels
    const StateSpace ss(s.factor_sizes, s.factor_names);
    const int64_t N = s.size(), P = 12;
    const int64_t inst_ids[2] = {4, 6};
    // rows in a scrambled order (as in the real files)
    std::vector<int64_t> perm(static_cast<size_t>(N));
    for (int64_t i = 0; i < N; ++i) perm[static_cast<size_t>(i)] = (i * 29) % N;  // 29 coprime with 48
    std::vector<uint8_t> dat(static_cast<size_t>(N * 2 * P * P));
    std::vector<int32_t> cat(static_cast<size_t>(N)), info(static_cast<size_t>(N * 4));
    for (int64_t row = 0; row < N; ++row) {
        const int64_t idx = perm[static_cast<size_t>(row)];
        auto pos = ss.idx_to_pos(idx);
        cat[static_cast<size_t>(row)] = static_cast<int32_t>(pos[0]);
        info[static_cast<size_t>(4 * row)] = static_cast<int32_t>(inst_ids[pos[1]]);
        info[static_cast<size_t>(4 * row + 1)] = static_cast<int32_t>(pos[2]);
        info[static_cast<size_t>(4 * row + 2)] = static_cast<int32_t>(2 * pos[3]);
        info[static_cast<size_t>(4 * row + 3)] = static_cast<int32_t>(pos[4]);
        for (int64_t p = 0; p < P * P; ++p) {
            dat[static_cast<size_t>(row * 2 * P * P + p)] = pixel(idx, p);
            dat[static_cast<size_t>(row * 2 * P * P + P * P + p)] = 255;  // the right camera is ignored
        }
    }
    const std::string stem = "smallnorb-5x46789x9x18x6x2x96x96-training-";
    const std::string dat_b = encode_norb_matrix(kNorbU8, {N, 2, P, P}, dat.data());
    const std::string cat_b = encode_norb_matrix(kNorbI32, {N}, cat.data());
    const std::string info_b = encode_norb_matrix(kNorbI32, {N, 4}, info.data());
    EXPECT_EQ(cat_b.size(), 20u + 4 * N);  // header: magic, ndim, 3 dims
    EXPECT_EQ(dat_b.size(), 24u + N * 2 * P * P);
    TempDir t;
    write_gz(t / (stem + "dat.mat.gz"), dat_b);
    write_gz(t / (stem + "cat.mat.gz"), cat_b);
    write_plain(t / (stem + "info.mat"), info_b);  // gunzipped variant
    auto opts = hashes_of(t.path(), {stem + "dat.mat.gz", stem + "cat.mat.gz"});
    auto r = prepare_dataset(s, t.path(), t / "root", opts);
    EXPECT_EQ(r.status, "created");
    PreparedData d(s, t / "root", true);
    for (int64_t i = 0; i < N; ++i) {
        std::vector<uint8_t> src(static_cast<size_t>(P * P)), want(64);
        for (int64_t p = 0; p < P * P; ++p) src[static_cast<size_t>(p)] = pixel(i, p);
        pil_bilinear_resize(src.data(), 12, 12, 1, want.data(), 8, 8);
        ASSERT_EQ(render(d, i), want) << i;
    }
    // truncated gzip: clear error, nothing left behind
    TempDir bad;
    const std::string gz = io::read_file(t / (stem + "dat.mat.gz"));
    write_plain(bad / (stem + "dat.mat.gz"), gz.substr(0, gz.size() - 40));
    write_gz(bad / (stem + "cat.mat.gz"), cat_b);
    write_plain(bad / (stem + "info.mat"), info_b);
    PrepareOptions skip;
    skip.skip_checksum = true;
    EXPECT_THROW(prepare_dataset(s, bad.path(), bad / "root", skip), UserError);
    EXPECT_FALSE(fs::exists(bad / "root/smallnorb/test_smallnorb.h5"));
    EXPECT_TRUE(no_temp_files(bad / "root"));
    // a bad magic number
    std::string bad_magic = cat_b;
    bad_magic[0] = 0x11;
    write_gz(bad / (stem + "cat.mat.gz"), bad_magic);
    write_gz(bad / (stem + "dat.mat.gz"), dat_b);
    try {
        prepare_dataset(s, bad.path(), bad / "root", skip);
        FAIL();
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("magic"), std::string::npos) << e.what();
    }
    // labels that do not form the full grid
    std::vector<int32_t> info2 = info;
    info2[1] = info2[5];
    info2[3] = info2[7];
    info2[2] = info2[6];
    info2[0] = info2[4];
    std::vector<int32_t> cat2 = cat;
    cat2[0] = cat2[1];
    write_gz(bad / (stem + "cat.mat.gz"), encode_norb_matrix(kNorbI32, {N}, cat2.data()));
    write_plain(bad / (stem + "info.mat"), encode_norb_matrix(kNorbI32, {N, 4}, info2.data()));
    EXPECT_THROW(prepare_dataset(s, bad.path(), bad / "root", skip), UserError);
    EXPECT_TRUE(no_temp_files(bad / "root"));
}
