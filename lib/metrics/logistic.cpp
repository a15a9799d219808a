#include "metrics/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <stdexcept>

namespace disent::metrics {

namespace {

using Objective = std::function<double(const std::vector<double>&, std::vector<double>&)>;

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

double max_abs(const std::vector<double>& g) {
    double m = 0.0;
    for (double v : g) m = std::max(m, std::abs(v));
    return m;
}

// L-BFGS (two-loop recursion, memory 10) with Armijo backtracking; stops when max|g| <= tol (SciPy's
// pgtol criterion without bounds) or after max_iter iterations.
int lbfgs(const Objective& f, std::vector<double>& x, int max_iter, double tol) {
    const size_t m = 10;
    std::vector<double> g(x.size()), g_new(x.size()), x_new(x.size()), d(x.size());
    double fx = f(x, g);
    std::deque<std::vector<double>> s_hist, y_hist;
    std::deque<double> rho_hist;
    int it = 0;
    for (; it < max_iter; ++it) {
        if (max_abs(g) <= tol) break;
        // d = -H g
        d = g;
        std::vector<double> alpha(s_hist.size());
        for (size_t k = s_hist.size(); k-- > 0;) {
            alpha[k] = rho_hist[k] * dot(s_hist[k], d);
            for (size_t i = 0; i < d.size(); ++i) d[i] -= alpha[k] * y_hist[k][i];
        }
        double gamma = 1.0;
        if (!s_hist.empty()) gamma = dot(s_hist.back(), y_hist.back()) / dot(y_hist.back(), y_hist.back());
        else gamma = 1.0 / std::max(1.0, std::sqrt(dot(g, g)));
        for (auto& v : d) v *= gamma;
        for (size_t k = 0; k < s_hist.size(); ++k) {
            const double beta = rho_hist[k] * dot(y_hist[k], d);
            for (size_t i = 0; i < d.size(); ++i) d[i] += s_hist[k][i] * (alpha[k] - beta);
        }
        for (auto& v : d) v = -v;
        double gd = dot(g, d);
        if (gd >= 0) {  // not a descent direction: restart with steepest descent
            s_hist.clear(), y_hist.clear(), rho_hist.clear();
            for (size_t i = 0; i < d.size(); ++i) d[i] = -g[i];
            gd = dot(g, d);
        }
        double step = 1.0, f_new = 0.0;
        bool ok = false;
        for (int ls = 0; ls < 50; ++ls) {
            for (size_t i = 0; i < x.size(); ++i) x_new[i] = x[i] + step * d[i];
            f_new = f(x_new, g_new);
            if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * gd) {
                ok = true;
                break;
            }
            step *= 0.5;
        }
        if (!ok) break;
        std::vector<double> s(x.size()), y(x.size());
        for (size_t i = 0; i < x.size(); ++i) {
            s[i] = x_new[i] - x[i];
            y[i] = g_new[i] - g[i];
        }
        const double sy = dot(s, y);
        if (sy > 1e-12) {
            s_hist.push_back(std::move(s));
            y_hist.push_back(std::move(y));
            rho_hist.push_back(1.0 / sy);
            if (s_hist.size() > m) s_hist.pop_front(), y_hist.pop_front(), rho_hist.pop_front();
        }
        const double f_old = fx;
        x.swap(x_new);
        g.swap(g_new);
        fx = f_new;
        // SciPy's ftol test: relative reduction below 64 * machine epsilon.
        if ((f_old - fx) <= 64 * 2.220446049250313e-16 * std::max({std::abs(f_old), std::abs(fx), 1.0})) {
            ++it;
            break;
        }
    }
    return it;
}

}  // namespace

void LogisticRegression::fit(const double* x, int64_t n, int64_t d, const int64_t* y) {
    if (n < 1 || d < 1) throw std::invalid_argument("LogisticRegression: empty training data");
    d_ = d;
    classes_.assign(y, y + n);
    std::sort(classes_.begin(), classes_.end());
    classes_.erase(std::unique(classes_.begin(), classes_.end()), classes_.end());
    const int64_t k = static_cast<int64_t>(classes_.size());
    if (k == 1) {  // sklearn refuses one class; we predict it with probability 1
        w_.clear();
        iterations_ = 0;
        return;
    }
    std::vector<int64_t> yi(n);
    for (int64_t i = 0; i < n; ++i) yi[i] = std::lower_bound(classes_.begin(), classes_.end(), y[i]) - classes_.begin();
    const int64_t cols = k == 2 ? 1 : k, p = d + 1;
    const double inv_n = 1.0 / static_cast<double>(n);
    const double l2 = 1.0 / (opt_.C * static_cast<double>(n));  // sklearn 1.2: mean loss + ||W||^2 / (2 C n)
    Objective obj = [&](const std::vector<double>& w, std::vector<double>& g) {
        std::fill(g.begin(), g.end(), 0.0);
        double loss = 0.0;
        std::vector<double> z(cols);
        for (int64_t i = 0; i < n; ++i) {
            const double* xi = x + i * d;
            for (int64_t c = 0; c < cols; ++c) {
                double s = w[c * p + d];
                for (int64_t j = 0; j < d; ++j) s += w[c * p + j] * xi[j];
                z[c] = s;
            }
            if (cols == 1) {
                const double t = yi[i] == 1 ? 1.0 : -1.0, m = t * z[0];
                loss += m > 0 ? std::log1p(std::exp(-m)) : -m + std::log1p(std::exp(m));
                const double coef = -t / (1.0 + std::exp(m));  // d loss / d z
                for (int64_t j = 0; j < d; ++j) g[j] += coef * xi[j] * inv_n;
                g[d] += coef * inv_n;
            } else {
                const double zmax = *std::max_element(z.begin(), z.end());
                double sum = 0.0;
                for (int64_t c = 0; c < cols; ++c) sum += std::exp(z[c] - zmax);
                const double lse = zmax + std::log(sum);
                loss += lse - z[yi[i]];
                for (int64_t c = 0; c < cols; ++c) {
                    const double coef = std::exp(z[c] - lse) - (c == yi[i] ? 1.0 : 0.0);
                    for (int64_t j = 0; j < d; ++j) g[c * p + j] += coef * xi[j] * inv_n;
                    g[c * p + d] += coef * inv_n;
                }
            }
        }
        loss *= inv_n;
        for (int64_t c = 0; c < cols; ++c)
            for (int64_t j = 0; j < d; ++j) {
                loss += 0.5 * l2 * w[c * p + j] * w[c * p + j];
                g[c * p + j] += l2 * w[c * p + j];
            }
        return loss;
    };
    w_.assign(cols * p, 0.0);
    iterations_ = lbfgs(obj, w_, opt_.max_iter, opt_.tol);
}

std::vector<double> LogisticRegression::decision(const double* x, int64_t n) const {
    const int64_t cols = classes_.size() == 2 ? 1 : static_cast<int64_t>(classes_.size()), p = d_ + 1;
    std::vector<double> out(n * cols);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t c = 0; c < cols; ++c) {
            double s = w_[c * p + d_];
            for (int64_t j = 0; j < d_; ++j) s += w_[c * p + j] * x[i * d_ + j];
            out[i * cols + c] = s;
        }
    return out;
}

std::vector<double> LogisticRegression::predict_proba(const double* x, int64_t n) const {
    const int64_t k = static_cast<int64_t>(classes_.size());
    std::vector<double> out(n * k, 1.0);
    if (k == 1) return out;
    const std::vector<double> z = decision(x, n);
    for (int64_t i = 0; i < n; ++i) {
        if (k == 2) {
            const double p1 = 1.0 / (1.0 + std::exp(-z[i]));
            out[i * 2] = 1.0 - p1;
            out[i * 2 + 1] = p1;
            continue;
        }
        const double* zi = &z[i * k];
        const double zmax = *std::max_element(zi, zi + k);
        double sum = 0.0;
        for (int64_t c = 0; c < k; ++c) sum += std::exp(zi[c] - zmax);
        for (int64_t c = 0; c < k; ++c) out[i * k + c] = std::exp(zi[c] - zmax) / sum;
    }
    return out;
}

std::vector<int64_t> LogisticRegression::predict(const double* x, int64_t n) const {
    const int64_t k = static_cast<int64_t>(classes_.size());
    std::vector<int64_t> out(n, classes_.empty() ? 0 : classes_[0]);
    if (k < 2) return out;
    const std::vector<double> z = decision(x, n);
    for (int64_t i = 0; i < n; ++i) {
        if (k == 2) {
            out[i] = classes_[z[i] > 0 ? 1 : 0];
            continue;
        }
        out[i] = classes_[std::max_element(&z[i * k], &z[i * k] + k) - &z[i * k]];  // first maximum, as argmax
    }
    return out;
}

double LogisticRegression::accuracy(const double* x, int64_t n, const int64_t* y) const {
    const std::vector<int64_t> p = predict(x, n);
    int64_t ok = 0;
    for (int64_t i = 0; i < n; ++i) ok += p[i] == y[i];
    return n ? static_cast<double>(ok) / static_cast<double>(n) : 0.0;
}

}  // namespace disent::metrics
