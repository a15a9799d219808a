#include "metrics/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace disent::metrics {

std::vector<double> column_means(const Codes& c) {
    std::vector<double> m(c.z, 0.0);
    for (int64_t i = 0; i < c.n; ++i)
        for (int64_t j = 0; j < c.z; ++j) m[j] += c.at(i, j);
    for (auto& v : m) v /= static_cast<double>(c.n);
    return m;
}

std::vector<double> column_stds(const Codes& c) {
    const std::vector<double> m = column_means(c);
    std::vector<double> s(c.z, 0.0);
    for (int64_t i = 0; i < c.n; ++i)
        for (int64_t j = 0; j < c.z; ++j) s[j] += (c.at(i, j) - m[j]) * (c.at(i, j) - m[j]);
    for (auto& v : s) v = std::sqrt(v / static_cast<double>(c.n));
    return s;
}

std::vector<double> covariance(const Codes& c) {
    if (c.n < 2) throw std::invalid_argument("covariance: needs at least two points");
    const std::vector<double> m = column_means(c);
    std::vector<double> cov(c.z * c.z, 0.0);
    std::vector<double> d(c.z);
    for (int64_t i = 0; i < c.n; ++i) {
        for (int64_t j = 0; j < c.z; ++j) d[j] = c.at(i, j) - m[j];
        for (int64_t a = 0; a < c.z; ++a)
            for (int64_t b = a; b < c.z; ++b) cov[a * c.z + b] += d[a] * d[b];
    }
    for (int64_t a = 0; a < c.z; ++a)
        for (int64_t b = a; b < c.z; ++b) cov[b * c.z + a] = cov[a * c.z + b] /= static_cast<double>(c.n - 1);
    return cov;
}

std::vector<double> symmetric_eigenvalues(std::vector<double> a, int64_t n) {
    // Cyclic Jacobi rotations until the off-diagonal mass is negligible.
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0, diag = 0.0;
        for (int64_t p = 0; p < n; ++p)
            for (int64_t q = 0; q < n; ++q) (p == q ? diag : off) += a[p * n + q] * a[p * n + q];
        if (off <= 1e-30 * std::max(diag, 1e-300)) break;
        for (int64_t p = 0; p < n; ++p)
            for (int64_t q = p + 1; q < n; ++q) {
                const double apq = a[p * n + q];
                if (apq == 0.0) continue;
                const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (int64_t k = 0; k < n; ++k) {  // A <- A J (columns p, q)
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int64_t k = 0; k < n; ++k) {  // A <- J^T A (rows p, q)
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
    }
    std::vector<double> ev(n);
    for (int64_t i = 0; i < n; ++i) ev[i] = a[i * n + i];
    std::sort(ev.begin(), ev.end(), std::greater<double>());
    return ev;
}

double log_abs_det(std::vector<double> a, int64_t n, int* sign) {
    int s = 1;
    double logdet = 0.0;
    for (int64_t k = 0; k < n; ++k) {
        int64_t piv = k;
        for (int64_t i = k + 1; i < n; ++i)
            if (std::abs(a[i * n + k]) > std::abs(a[piv * n + k])) piv = i;
        if (a[piv * n + k] == 0.0 || std::isnan(a[piv * n + k])) {
            if (sign) *sign = 0;
            return -std::numeric_limits<double>::infinity();
        }
        if (piv != k) {
            for (int64_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[piv * n + j]);
            s = -s;
        }
        const double d = a[k * n + k];
        if (d < 0) s = -s;
        logdet += std::log(std::abs(d));
        for (int64_t i = k + 1; i < n; ++i) {
            const double f = a[i * n + k] / d;
            for (int64_t j = k + 1; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
        }
    }
    if (sign) *sign = s;
    return logdet;
}

double variance(const std::vector<double>& v, int ddof) {
    const double n = static_cast<double>(v.size());
    if (n - ddof <= 0) return std::numeric_limits<double>::quiet_NaN();
    const double m = std::accumulate(v.begin(), v.end(), 0.0) / n;
    double s = 0.0;
    for (double x : v) s += (x - m) * (x - m);
    return s / (n - ddof);
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size() || x.empty()) throw std::invalid_argument("pearson: sizes differ or empty");
    const double n = static_cast<double>(x.size());
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx == 0.0 || syy == 0.0) return std::numeric_limits<double>::quiet_NaN();
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

std::vector<double> average_ranks(const std::vector<double>& x) {
    std::vector<size_t> order(x.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
    std::vector<double> r(x.size());
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
        const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
        for (size_t k = i; k <= j; ++k) r[order[k]] = rank;
        i = j + 1;
    }
    return r;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) { return pearson(average_ranks(x), average_ranks(y)); }

double percentile(std::vector<double> v, double q) {
    if (v.empty()) throw std::invalid_argument("percentile: empty input");
    std::sort(v.begin(), v.end());
    const double pos = q / 100.0 * static_cast<double>(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return v[lo] + (v[hi] - v[lo]) * frac;
}

double roc_auc(const std::vector<int>& pos, const std::vector<double>& s) {
    const std::vector<double> r = average_ranks(s);
    double n_pos = 0.0, rank_sum = 0.0;
    for (size_t i = 0; i < pos.size(); ++i)
        if (pos[i]) {
            n_pos += 1.0;
            rank_sum += r[i];
        }
    const double n_neg = static_cast<double>(pos.size()) - n_pos;
    if (n_pos == 0.0 || n_neg == 0.0) return std::numeric_limits<double>::quiet_NaN();
    return (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg);
}

}  // namespace disent::metrics
