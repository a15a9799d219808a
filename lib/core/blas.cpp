#include "core/blas.hpp"

#include <dlfcn.h>
#include <sched.h>
#include <link.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace disent {
namespace {

struct Loaded {
    std::vector<std::string> paths;
};

int collect(dl_phdr_info* info, size_t, void* data) {
    if (info->dlpi_name && *info->dlpi_name) static_cast<Loaded*>(data)->paths.emplace_back(info->dlpi_name);
    return 0;
}

std::string resolved(const std::string& p) {
    std::error_code ec;
    auto r = std::filesystem::canonical(p, ec);
    return ec ? p : r.string();
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

template <typename Fn>
Fn symbol(const char* name) {
    return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

BlasInfo detect_blas() {
    BlasInfo b;
    Loaded loaded;
    dl_iterate_phdr(collect, &loaded);
    for (const auto& p : loaded.paths) {
        const std::string name = std::filesystem::path(p).filename().string();
        const bool blas_like = name.rfind("libblas.so", 0) == 0 || name.rfind("libopenblas", 0) == 0 ||
                               name.rfind("libmkl_rt", 0) == 0 || name.rfind("libblis", 0) == 0;
        if (!blas_like) continue;
        b.library = resolved(p);
        // Debian's alternatives: .../openblas-pthread/libblas.so.3, .../blas/libblas.so.3 (reference), ...
        if (contains(b.library, "openblas")) b.kind = BlasKind::OpenBlas;
        else if (contains(b.library, "/blas/libblas.so")) b.kind = BlasKind::Reference;
        else b.kind = BlasKind::Other;
        break;
    }
    // OpenBLAS exports its own API, also when it is linked in some other way (statically, or as libopenblas).
    auto get_config = symbol<char* (*)()>("openblas_get_config");
    if (get_config && (b.kind == BlasKind::None || b.kind == BlasKind::Other)) b.kind = BlasKind::OpenBlas;
    if (get_config && b.kind == BlasKind::OpenBlas) {
        b.config = get_config();
        if (auto get_threads = symbol<int (*)()>("openblas_get_num_threads")) b.threads = get_threads();
    }
    return b;
}

int available_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

bool set_blas_threads(int n) {
    auto set = symbol<void (*)(int)>("openblas_set_num_threads");
    if (!set || n < 1) return false;
    set(n);
    return true;
}

std::string describe(const BlasInfo& b) {
    std::string s;
    switch (b.kind) {
        case BlasKind::OpenBlas: s = b.config.empty() ? "OpenBLAS" : b.config; break;
        case BlasKind::Reference: s = "reference BLAS"; break;
        case BlasKind::Other: s = "BLAS"; break;
        case BlasKind::None: return "no shared BLAS library loaded (LibTorch's built-in BLAS)";
    }
    if (!b.library.empty()) s += " (" + b.library + ")";
    if (b.threads > 0) s += ", " + std::to_string(b.threads) + (b.threads == 1 ? " thread" : " threads");
    return s;
}

std::string reference_blas_warning(const BlasInfo& b) {
    if (b.kind != BlasKind::Reference) return "";
    return "warning: the reference BLAS is loaded (" + b.library +
           "): training runs about 6x slower than with OpenBLAS; install libopenblas0-pthread "
           "(scripts/setup-debian.sh does)";
}

}  // namespace disent
