#pragma once
// Process-wide allocator policy for training. A conv64 step at batch 256 allocates and frees ~0.5 GB of
// activations; glibc serves blocks that large with fresh mmap()s and returns them on free, so every step
// page-faults ~120 000 new zeroed pages (~30% of a CPU step, docs/performance.md). Keeping freed memory in
// the heap for reuse removes that. Torch-free.
#include <string>

namespace disent {

// Serves every allocation from the heap (no per-block mmap) and never trims freed memory back to the OS,
// unless the user tunes malloc themselves (GLIBC_TUNABLES naming glibc.malloc) or sets
// DISENT_MALLOC=system. Returns what was done, for the log. Call once, first thing in main().
std::string keep_freed_memory_for_reuse();

// What the last keep_freed_memory_for_reuse() did ("glibc malloc defaults" if it was never called).
const std::string& allocator_policy();

}  // namespace disent
