#pragma once
// Ground-truth factor state space (spec §5.1): factor sizes, position <-> index with the LAST factor
// varying fastest (NumPy ravel/unravel order), uniform sampling and factor traversals.
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace disent::data {

class StateSpace {
public:
    StateSpace() = default;
    StateSpace(std::vector<int64_t> factor_sizes, std::vector<std::string> factor_names);

    int64_t size() const { return size_; }  // number of states = product of factor sizes
    int num_factors() const { return static_cast<int>(sizes_.size()); }
    const std::vector<int64_t>& factor_sizes() const { return sizes_; }
    const std::vector<std::string>& factor_names() const { return names_; }
    const std::vector<int64_t>& strides() const { return strides_; }  // stride_i = prod_{j>i} size_j

    int64_t pos_to_idx(const int64_t* pos) const;
    void idx_to_pos(int64_t idx, int64_t* pos) const;
    int64_t pos_to_idx(const std::vector<int64_t>& pos) const;
    std::vector<int64_t> idx_to_pos(int64_t idx) const;

    int64_t sample_index(Rng& rng) const { return rng.uniform_int(0, size_ - 1); }
    // Validates a position vector (length F, each entry in [0, size_f)); throws std::out_of_range.
    void check_pos(const int64_t* pos) const;
    // Uniform factor vector written to pos[0..F).
    void sample_factors(Rng& rng, int64_t* pos) const;
    // Traversal of factor f from a base position: num frames (num <= 0 -> size of f), mode "interval" |
    // "cycle" | "cycle_from_start" | "cycle_from_start_ends" (spec §5.1). Returns num position vectors
    // of length F. "cycle" only supports start_index 0 (as in disent).
    std::vector<std::vector<int64_t>> traversal(int f, const std::vector<int64_t>& base, int64_t num,
                                                const std::string& mode = "interval",
                                                int64_t start_index = 0) const;
    // The factor values a traversal visits (the sequence written into factor f), same rules as traversal().
    std::vector<int64_t> traversal_values(int f, int64_t num, const std::string& mode = "interval",
                                          int64_t start_index = 0) const;
    // Indices of base with factor f set to 0..size_f-1, in order (disent iter_traversal_indices).
    std::vector<int64_t> traversal_indices(int f, const std::vector<int64_t>& base) const;

private:
    std::vector<int64_t> sizes_, strides_;
    std::vector<std::string> names_;
    int64_t size_ = 0;
};

}  // namespace disent::data
