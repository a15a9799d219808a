#pragma once
// L2-regularised logistic regression following scikit-learn 1.2's LogisticRegression() defaults, used by
// the BetaVAE score and explicitness (disentanglement_lib calls LogisticRegression() with defaults):
// penalty "l2", C = 1, intercept fitted and not penalised, solver "lbfgs" (max_iter 100, tol 1e-4 on the
// largest gradient entry of the mean loss), multi_class "auto" = a single binary logistic model for two
// classes and a multinomial (softmax) model for more. The optimiser is our own L-BFGS (memory 10, Armijo
// backtracking) rather than SciPy's L-BFGS-B line search, so coefficients agree only up to the
// tolerance; predictions agree except for points near the decision boundary.
#include <cstdint>
#include <vector>

namespace disent::metrics {

struct LogisticOptions {
    double C = 1.0;
    int max_iter = 100;
    double tol = 1e-4;
};

class LogisticRegression {
public:
    explicit LogisticRegression(LogisticOptions o = {}) : opt_(o) {}
    // x: n x d row-major, y: n integer labels (at least one class; a single class predicts it always).
    void fit(const double* x, int64_t n, int64_t d, const int64_t* y);
    // n x classes().size() class probabilities (columns in classes() order).
    std::vector<double> predict_proba(const double* x, int64_t n) const;
    std::vector<int64_t> predict(const double* x, int64_t n) const;
    double accuracy(const double* x, int64_t n, const int64_t* y) const;
    const std::vector<int64_t>& classes() const { return classes_; }
    int iterations() const { return iterations_; }

private:
    // Raw scores: 1 column (binary) or K columns.
    std::vector<double> decision(const double* x, int64_t n) const;
    LogisticOptions opt_;
    int64_t d_ = 0;
    std::vector<int64_t> classes_;
    std::vector<double> w_;  // cols x (d + 1), intercept last
    int iterations_ = 0;
};

}  // namespace disent::metrics
