#include "core/rng.hpp"

#include <sstream>
#include <stdexcept>

#include "core/error.hpp"

namespace disent {

int64_t Rng::uniform_int(int64_t lo, int64_t hi) {
    if (hi < lo) throw std::logic_error("uniform_int: empty range");
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<int64_t>(engine_());  // the whole 64-bit range
    const uint64_t limit = UINT64_MAX - (UINT64_MAX % span);
    uint64_t x;
    do {
        x = engine_();
    } while (x >= limit);
    return lo + static_cast<int64_t>(x % span);
}

std::string Rng::state() const {
    std::ostringstream os;
    os << engine_;
    return os.str();
}

void Rng::set_state(const std::string& s) {
    std::istringstream is(s);
    is >> engine_;
    if (is.fail()) throw UserError("random generator state in checkpoint is corrupted");
}

uint64_t derive_seed(uint64_t base, uint64_t stream) {
    uint64_t z = base + 0x9E3779B97F4A7C15ULL * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

}  // namespace disent
