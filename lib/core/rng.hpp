#pragma once
// The project's random generator for sampling (samplers, metrics, analyses). A std::mt19937_64 is
// deterministic across platforms for a given seed; its state serialises to text for checkpoints.
// Distributions are written here by hand (not std::uniform_int_distribution) so results do not depend
// on the standard library implementation.
#include <cstdint>
#include <random>
#include <string>

namespace disent {

class Rng {
public:
    explicit Rng(uint64_t seed = 0) : engine_(seed) {}
    uint64_t next_u64() { return engine_(); }
    // Uniform integer in [lo, hi] inclusive (unbiased, by rejection).
    int64_t uniform_int(int64_t lo, int64_t hi);
    // Uniform double in [0, 1).
    double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    bool bernoulli(double p) { return uniform01() < p; }
    std::string state() const;
    void set_state(const std::string& s);

private:
    std::mt19937_64 engine_;
};

// Derive an independent seed from a base seed and a stream label (splitmix64 of both).
uint64_t derive_seed(uint64_t base, uint64_t stream);

}  // namespace disent
