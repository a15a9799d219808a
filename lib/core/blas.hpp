#pragma once
// Which BLAS this process has loaded, and its thread pool. On Debian, LibTorch 1.13 computes convolutions
// as im2col + sgemm through libblas.so.3, which the alternatives system points at the reference BLAS or
// at OpenBLAS: a 6x difference in training speed. OpenBLAS also keeps its own thread pool beside
// LibTorch's, and the two fight when both use every core (docs/performance.md). Torch-free: it looks at
// the shared objects the dynamic loader has mapped and at the symbols OpenBLAS exports.
#include <string>

namespace disent {

enum class BlasKind { OpenBlas, Reference, Other, None };

struct BlasInfo {
    BlasKind kind = BlasKind::None;
    std::string library;  // resolved path of the loaded BLAS shared object ("" if none was found)
    std::string config;   // OpenBLAS's openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell"
    int threads = -1;     // the BLAS's own thread pool size (-1: the library has no pool we can query)
};

// Scans the loaded shared objects (dl_iterate_phdr) for a BLAS.
BlasInfo detect_blas();

// Sets OpenBLAS's pool size; false when no OpenBLAS is loaded (nothing to set).
bool set_blas_threads(int n);

// CPUs this process may run on (its affinity mask: a SLURM allocation's, a taskset's), at least 1.
int available_cpus();

// One line for logs: "OpenBLAS 0.3.21 (/usr/lib/.../libblas.so.3), 1 thread".
std::string describe(const BlasInfo& b);

// The one-line warning printed (once per process) when the reference BLAS is loaded; "" otherwise.
std::string reference_blas_warning(const BlasInfo& b);

}  // namespace disent
