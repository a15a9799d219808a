#include "metrics/discretize.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace disent::metrics {

std::vector<int64_t> histogram_discretize(const std::vector<double>& values, int num_bins) {
    if (num_bins < 1) throw std::invalid_argument("histogram_discretize: num_bins must be >= 1");
    std::vector<int64_t> out(values.size());
    if (values.empty()) return out;
    for (double v : values)  // np.histogram refuses a non-finite range as well
        if (!std::isfinite(v)) throw std::runtime_error("histogram_discretize: values contain NaN or infinity");
    double lo = *std::min_element(values.begin(), values.end());
    double hi = *std::max_element(values.begin(), values.end());
    if (lo == hi) {  // np.histogram widens a degenerate range by 0.5 on each side
        lo -= 0.5;
        hi += 0.5;
    }
    // np.linspace(lo, hi, num_bins + 1): start + i * step; only the left edges are used by digitize.
    const double step = (hi - lo) / num_bins;
    std::vector<double> left(num_bins);
    for (int i = 0; i < num_bins; ++i) left[i] = i * step + lo;
    // np.digitize(x, left) with right=False == number of left edges <= x (searchsorted side='right').
    for (size_t i = 0; i < values.size(); ++i)
        out[i] = std::upper_bound(left.begin(), left.end(), values[i]) - left.begin();
    return out;
}

Factors histogram_discretize(const Codes& codes, int num_bins) {
    Factors out;
    out.n = codes.n;
    out.f = codes.z;
    out.values.resize(codes.n * codes.z);
    for (int64_t j = 0; j < codes.z; ++j) {
        std::vector<int64_t> bins = histogram_discretize(column(codes, j), num_bins);
        for (int64_t i = 0; i < codes.n; ++i) out.values[i * out.f + j] = bins[i];
    }
    return out;
}

namespace {
// Map arbitrary labels to dense ids 0..k-1 (order irrelevant for MI).
std::vector<int64_t> dense_labels(const std::vector<int64_t>& y, int64_t& k) {
    std::unordered_map<int64_t, int64_t> ids;
    std::vector<int64_t> out(y.size());
    for (size_t i = 0; i < y.size(); ++i) {
        auto it = ids.emplace(y[i], static_cast<int64_t>(ids.size())).first;
        out[i] = it->second;
    }
    k = static_cast<int64_t>(ids.size());
    return out;
}
}  // namespace

double mutual_info(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    if (a.size() != b.size()) throw std::invalid_argument("mutual_info: label vectors differ in length");
    int64_t ka = 0, kb = 0;
    std::vector<int64_t> da = dense_labels(a, ka), db = dense_labels(b, kb);
    if (ka <= 1 || kb <= 1) return 0.0;  // sklearn: a single cluster carries no information
    std::vector<int64_t> pi(ka, 0), pj(kb, 0);
    std::unordered_map<int64_t, int64_t> cont;  // sparse contingency table, key = ia * kb + ib
    for (size_t i = 0; i < da.size(); ++i) {
        ++pi[da[i]];
        ++pj[db[i]];
        ++cont[da[i] * kb + db[i]];
    }
    // Same arrangement of terms as sklearn's mutual_info_score.
    const double n = static_cast<double>(a.size());
    const double log_n = std::log(n);
    double mi = 0.0;
    for (const auto& [key, count] : cont) {
        const double nm = count / n;
        const double outer = static_cast<double>(pi[key / kb] * pj[key % kb]);
        double term = nm * (std::log(static_cast<double>(count)) - log_n) + nm * (-std::log(outer) + log_n + log_n);
        if (std::abs(term) < DBL_EPSILON) term = 0.0;
        mi += term;
    }
    return std::max(mi, 0.0);
}

double entropy(const std::vector<int64_t>& y) { return mutual_info(y, y); }

std::vector<int64_t> column(const Factors& m, int64_t j) {
    std::vector<int64_t> out(m.n);
    for (int64_t i = 0; i < m.n; ++i) out[i] = m.at(i, j);
    return out;
}

std::vector<double> column(const Codes& m, int64_t j) {
    std::vector<double> out(m.n);
    for (int64_t i = 0; i < m.n; ++i) out[i] = m.at(i, j);
    return out;
}

std::vector<double> discrete_mutual_info(const Factors& discrete_codes, const Factors& factors) {
    if (discrete_codes.n != factors.n) throw std::invalid_argument("discrete_mutual_info: sample counts differ");
    std::vector<double> m(discrete_codes.f * factors.f);
    std::vector<std::vector<int64_t>> fcols;
    for (int64_t j = 0; j < factors.f; ++j) fcols.push_back(column(factors, j));
    for (int64_t z = 0; z < discrete_codes.f; ++z) {
        std::vector<int64_t> c = column(discrete_codes, z);
        for (int64_t j = 0; j < factors.f; ++j) m[z * factors.f + j] = mutual_info(c, fcols[j]);
    }
    return m;
}

std::vector<double> discrete_entropy(const Factors& factors) {
    std::vector<double> h(factors.f);
    for (int64_t j = 0; j < factors.f; ++j) h[j] = entropy(column(factors, j));
    return h;
}

}  // namespace disent::metrics
