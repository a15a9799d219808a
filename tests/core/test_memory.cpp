// The allocator policy of disent-run's main(): freed blocks stay in the heap and are reused without new
// page faults (a training step frees and re-allocates the same ~0.5 GB every step).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "core/memory.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DISENT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define DISENT_ASAN 1
#endif

// AddressSanitizer brings its own allocator, which mallopt does not configure.
#ifdef DISENT_ASAN
#define SKIP_UNDER_ASAN() GTEST_SKIP() << "AddressSanitizer replaces glibc malloc"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

namespace {

long minor_faults() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

// Allocates `bytes`, writes every page, frees it; returns the minor page faults that took.
long faults_of_one_round(size_t bytes) {
    const long before = minor_faults();
    auto* p = static_cast<char*>(std::malloc(bytes));
    for (size_t i = 0; i < bytes; i += 4096) p[i] = static_cast<char>(i);
    const volatile char keep = p[bytes - 1];
    (void)keep;
    std::free(p);
    return minor_faults() - before;
}

}  // namespace

TEST(Memory, OptOutsLeaveMallocAlone) {
    SKIP_UNDER_ASAN();
    EXPECT_EQ(disent::allocator_policy(), "glibc malloc defaults");
    setenv("DISENT_MALLOC", "system", 1);
    EXPECT_EQ(disent::keep_freed_memory_for_reuse(), "glibc malloc defaults (DISENT_MALLOC=system)");
    unsetenv("DISENT_MALLOC");
    setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1", 1);
    EXPECT_EQ(disent::keep_freed_memory_for_reuse(), "glibc malloc as GLIBC_TUNABLES sets it");
    unsetenv("GLIBC_TUNABLES");
    // glibc's default: a 64 MiB block is a fresh mmap each time, every page faults again (16384 pages)
    const size_t bytes = size_t{64} << 20;
    faults_of_one_round(bytes);
    EXPECT_GE(faults_of_one_round(bytes), 16000);
}

TEST(Memory, FreedBlocksAreReusedWithoutPageFaults) {
    SKIP_UNDER_ASAN();
    EXPECT_EQ(disent::keep_freed_memory_for_reuse(), "glibc malloc keeps freed memory for reuse");
    EXPECT_EQ(disent::allocator_policy(), "glibc malloc keeps freed memory for reuse");
    const size_t bytes = size_t{64} << 20;
    EXPECT_GE(faults_of_one_round(bytes), 16000);  // the first time the heap grows: every page is new
    for (int round = 0; round < 3; ++round) EXPECT_LT(faults_of_one_round(bytes), 100) << round;
}
