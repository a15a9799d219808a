#include "core/memory.hpp"

#include <malloc.h>

#include <climits>
#include <cstdlib>
#include <cstring>

namespace disent {
namespace {
std::string g_policy = "glibc malloc defaults";
}  // namespace

const std::string& allocator_policy() { return g_policy; }

std::string keep_freed_memory_for_reuse() {
    const char* policy = std::getenv("DISENT_MALLOC");
    if (policy && std::strcmp(policy, "system") == 0) return g_policy = "glibc malloc defaults (DISENT_MALLOC=system)";
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables && std::strstr(tunables, "glibc.malloc")) return g_policy = "glibc malloc as GLIBC_TUNABLES sets it";
    // No mmap per block: large tensors come from the heap, whose freed space the next step reuses.
    // No trimming: the top of the heap is not handed back between steps (it would fault in again).
    const bool ok = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1;
    return g_policy = ok ? "glibc malloc keeps freed memory for reuse" : "glibc malloc defaults (mallopt refused)";
}

}  // namespace disent
