#include "data/state_space.hpp"

#include <cfenv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace disent::data {

StateSpace::StateSpace(std::vector<int64_t> factor_sizes, std::vector<std::string> factor_names)
    : sizes_(std::move(factor_sizes)), names_(std::move(factor_names)) {
    if (sizes_.empty()) throw std::invalid_argument("StateSpace: at least one factor is required");
    if (names_.empty())
        for (size_t i = 0; i < sizes_.size(); ++i) names_.push_back("factor_" + std::to_string(i));
    if (names_.size() != sizes_.size())
        throw std::invalid_argument("StateSpace: " + std::to_string(names_.size()) + " factor names for " +
                                    std::to_string(sizes_.size()) + " factor sizes");
    // strides: the last factor varies fastest (C order), stride_i = prod_{j>i} size_j
    strides_.assign(sizes_.size(), 1);
    int64_t prod = 1;
    for (size_t k = sizes_.size(); k-- > 0;) {
        if (sizes_[k] < 1)
            throw std::invalid_argument("StateSpace: factor '" + names_[k] + "' has size " +
                                        std::to_string(sizes_[k]) + " (must be >= 1)");
        strides_[k] = prod;
        if (prod > std::numeric_limits<int64_t>::max() / sizes_[k])
            throw std::overflow_error("StateSpace: number of states overflows int64");
        prod *= sizes_[k];
    }
    size_ = prod;
}

void StateSpace::check_pos(const int64_t* pos) const {
    for (size_t i = 0; i < sizes_.size(); ++i)
        if (pos[i] < 0 || pos[i] >= sizes_[i])
            throw std::out_of_range("StateSpace: position " + std::to_string(pos[i]) + " of factor '" +
                                    names_[i] + "' is outside [0, " + std::to_string(sizes_[i]) + ")");
}

int64_t StateSpace::pos_to_idx(const int64_t* pos) const {
    check_pos(pos);
    int64_t idx = 0;
    for (size_t i = 0; i < sizes_.size(); ++i) idx += pos[i] * strides_[i];
    return idx;
}

void StateSpace::idx_to_pos(int64_t idx, int64_t* pos) const {
    if (idx < 0 || idx >= size_)
        throw std::out_of_range("StateSpace: index " + std::to_string(idx) + " is outside [0, " +
                                std::to_string(size_) + ")");
    for (size_t i = 0; i < sizes_.size(); ++i) {
        pos[i] = idx / strides_[i];
        idx -= pos[i] * strides_[i];
    }
}

int64_t StateSpace::pos_to_idx(const std::vector<int64_t>& pos) const {
    if (pos.size() != sizes_.size())
        throw std::out_of_range("StateSpace: position has " + std::to_string(pos.size()) + " entries, expected " +
                                std::to_string(sizes_.size()));
    return pos_to_idx(pos.data());
}

std::vector<int64_t> StateSpace::idx_to_pos(int64_t idx) const {
    std::vector<int64_t> pos(sizes_.size());
    idx_to_pos(idx, pos.data());
    return pos;
}

void StateSpace::sample_factors(Rng& rng, int64_t* pos) const {
    for (size_t i = 0; i < sizes_.size(); ++i) pos[i] = rng.uniform_int(0, sizes_[i] - 1);
}

namespace {

// NumPy: np.round(np.linspace(0, S-1, N)) -- y_i = i * ((S-1)/(N-1)), last element exactly S-1, rounded
// half-to-even (np.round uses rint). Written the same way so ties (e.g. 2.5) round like NumPy.
std::vector<int64_t> interval_indices(int64_t S, int64_t N) {
    std::vector<int64_t> out(static_cast<size_t>(N));
    if (N == 1) {
        out[0] = 0;
        return out;
    }
    const double delta = static_cast<double>(S - 1);
    const double step = delta / static_cast<double>(N - 1);
    const int saved = std::fegetround();
    std::fesetround(FE_TONEAREST);
    for (int64_t i = 0; i < N; ++i) {
        double y = (step == 0.0) ? (static_cast<double>(i) / static_cast<double>(N - 1)) * delta
                                 : static_cast<double>(i) * step;
        if (i == N - 1) y = delta;
        out[static_cast<size_t>(i)] = static_cast<int64_t>(std::nearbyint(y));
    }
    std::fesetround(saved);
    return out;
}

}  // namespace

std::vector<int64_t> StateSpace::traversal_values(int f, int64_t num, const std::string& mode,
                                                  int64_t start_index) const {
    if (f < 0 || f >= num_factors())
        throw std::out_of_range("StateSpace: factor index " + std::to_string(f) + " is outside [0, " +
                                std::to_string(num_factors()) + ")");
    const int64_t S = sizes_[static_cast<size_t>(f)];
    if (num <= 0) num = S;  // disent: num=None -> the factor size
    if (mode == "interval") {
        std::vector<int64_t> g = interval_indices(S, num);
        const int64_t start = ((start_index % S) + S) % S;
        for (auto& v : g) v = (v + start) % S;
        return g;
    }
    if (mode == "cycle") {
        if (start_index != 0) throw std::invalid_argument("StateSpace: traversal mode 'cycle' needs start_index 0");
        // even positions forward, then odd positions backwards: a there-and-back sweep
        std::vector<int64_t> g = interval_indices(S, num), out, odd;
        for (size_t i = 0; i < g.size(); ++i) (i % 2 == 0 ? out : odd).push_back(g[i]);
        out.insert(out.end(), odd.rbegin(), odd.rend());
        return out;
    }
    if (mode == "cycle_from_start" || mode == "cycle_from_start_ends") {
        // a full cycle starting (and ending) at `start`: start..end, end..0, 0..start-1; with "ends" the
        // end points are not repeated. Frames are picked from that list with the interval rule.
        if (start_index < 0 || start_index >= S)
            throw std::out_of_range("StateSpace: traversal start " + std::to_string(start_index) +
                                    " is outside [0, " + std::to_string(S) + ")");
        const bool ends = mode == "cycle_from_start_ends";
        std::vector<int64_t> cyc;
        for (int64_t v = start_index; v <= S - 1 - (ends ? 1 : 0); ++v) cyc.push_back(v);
        for (int64_t v = S - 1; v >= 0; --v) cyc.push_back(v);
        for (int64_t v = ends ? 1 : 0; v <= start_index - 1; ++v) cyc.push_back(v);
        std::vector<int64_t> pick = interval_indices(static_cast<int64_t>(cyc.size()), num), out;
        for (int64_t p : pick) out.push_back(cyc[static_cast<size_t>(p)]);
        return out;
    }
    throw std::invalid_argument("StateSpace: unknown traversal mode '" + mode +
                                "' (expected interval, cycle, cycle_from_start or cycle_from_start_ends)");
}

std::vector<std::vector<int64_t>> StateSpace::traversal(int f, const std::vector<int64_t>& base, int64_t num,
                                                        const std::string& mode, int64_t start_index) const {
    if (base.size() != sizes_.size())
        throw std::out_of_range("StateSpace: traversal base has " + std::to_string(base.size()) +
                                " entries, expected " + std::to_string(sizes_.size()));
    check_pos(base.data());
    std::vector<int64_t> values = traversal_values(f, num, mode, start_index);
    std::vector<std::vector<int64_t>> out(values.size(), base);
    for (size_t i = 0; i < values.size(); ++i) out[i][static_cast<size_t>(f)] = values[i];
    return out;
}

std::vector<int64_t> StateSpace::traversal_indices(int f, const std::vector<int64_t>& base) const {
    if (f < 0 || f >= num_factors())
        throw std::out_of_range("StateSpace: factor index " + std::to_string(f) + " is outside [0, " +
                                std::to_string(num_factors()) + ")");
    std::vector<int64_t> b = base;
    if (b.size() != sizes_.size())
        throw std::out_of_range("StateSpace: traversal base has " + std::to_string(b.size()) +
                                " entries, expected " + std::to_string(sizes_.size()));
    b[static_cast<size_t>(f)] = 0;
    const int64_t first = pos_to_idx(b);
    std::vector<int64_t> out;
    const auto fi = static_cast<size_t>(f);
    for (int64_t k = 0; k < sizes_[fi]; ++k) out.push_back(first + k * strides_[fi]);
    return out;
}

}  // namespace disent::data
