// Reading random batches of 256 observations from a prepared HDF5 store (through the chunk cache) and from
// memory (dataset.in_memory=true). Run by hand: build-*/bench_datasets [num_images] [batches]
// Two contents: XYObject images (mostly background, compress ~100x) and pseudo-random pixels (barely
// compressible, a pessimistic stand-in for natural images such as Cars3D or MPI3D real).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "data/h5_store.hpp"
#include "data/real_datasets.hpp"
#include "data/registry.hpp"

using namespace disent;
using namespace disent::data;
namespace fs = std::filesystem;

namespace {
double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void bench(const char* label, bool noise, int64_t n_req, int batches, const std::string& root) {
    auto src = make_dataset("xyobject");
    RealDatasetSpec spec;
    spec.key = std::string("bench_") + label;
    spec.folder = "bench";
    spec.factor_names = {"i"};
    const int64_t n = std::min<int64_t>(n_req, src->states().size());
    spec.factor_sizes = {n};
    spec.height = spec.width = 64, spec.channels = 3;
    const std::string path = prepared_path(spec, root);
    fs::create_directories(fs::path(path).parent_path());
    const int64_t ob = src->obs_bytes();
    double t0 = now_s();
    {
        H5ImageWriter w(path, n, 64, 64, 3, {spec.key, spec.factor_names, spec.factor_sizes});
        std::vector<uint8_t> buf(static_cast<size_t>(1024 * ob));
        std::mt19937_64 g(1);
        for (int64_t s = 0; s < n; s += 1024) {
            const int64_t c = std::min<int64_t>(1024, n - s);
            for (int64_t i = 0; i < c; ++i) {
                if (noise)
                    for (int64_t p = 0; p < ob; ++p) buf[static_cast<size_t>(i * ob + p)] = static_cast<uint8_t>(g() >> 56);
                else
                    src->render((s + i) * 7919 % src->states().size(), buf.data() + i * ob);
            }
            w.write(s, c, buf.data());
        }
        w.close();
    }
    const double write_s = now_s() - t0;
    std::printf("%-8s %lld images 64x64x3: wrote %.1f MiB (raw %.1f MiB) in %.2f s\n", label, static_cast<long long>(n),
                fs::file_size(path) / 1048576.0, n * ob / 1048576.0, write_s);
    std::vector<uint8_t> batch(static_cast<size_t>(256 * ob));
    for (int mode = 0; mode < 3; ++mode) {
        const bool in_memory = mode == 2;
        t0 = now_s();
        PreparedData d(spec, root, in_memory, false);
        d.set_direct_reads(mode == 1);
        const double open_s = now_s() - t0;
        std::mt19937_64 g(7);
        std::uniform_int_distribution<int64_t> u(0, n - 1);
        for (int i = 0; i < 256; ++i) d.render(u(g), batch.data() + i * ob);  // warm-up
        t0 = now_s();
        for (int b = 0; b < batches; ++b)
            for (int i = 0; i < 256; ++i) d.render(u(g), batch.data() + i * ob);
        const double dt = now_s() - t0;
        std::printf("  %-17s open %.2f s; random batch of 256: %.3f ms (%.0f images/s)\n", mode == 0 ? "hdf5 chunk cache" : mode == 1 ? "hdf5 direct chunk" : "in-memory",
                    open_s, 1e3 * dt / batches, 256.0 * batches / dt);
    }
    fs::remove(path);
}
}  // namespace

int main(int argc, char** argv) {
    const int64_t n = argc > 1 ? std::atoll(argv[1]) : 20000;
    const int batches = argc > 2 ? std::atoi(argv[2]) : 50;
    const std::string root = (fs::temp_directory_path() / "disent-bench-datasets").string();
    bench("xyobject", false, n, batches, root);
    bench("noise", true, n, batches, root);
    fs::remove_all(root);
    return 0;
}
