#pragma once
// Gradient-boosted regression trees for classification, following scikit-learn 1.2's
// GradientBoostingClassifier() defaults (DCI needs its feature_importances_, spec Appendix B):
// prior init, log-loss (binary: one tree per stage; K > 2 classes: K trees per stage), 100 stages,
// learning rate 0.1, depth-3 friedman_mse trees on the negative gradient with Newton-step leaves.
// Features are rounded to float32 first, as sklearn's trees do.
#include <cstdint>
#include <vector>

namespace disent::metrics {

struct GbtOptions {
    int n_estimators = 100;
    double learning_rate = 0.1;
    int max_depth = 3;
    int64_t min_samples_split = 2;
    int64_t min_samples_leaf = 1;
    uint64_t seed = 0;  // order in which features are visited at each node (sklearn: random_state)
};

class GradientBoostingClassifier {
public:
    explicit GradientBoostingClassifier(GbtOptions options = {}) : opt_(options) {}

    // x: n x d row-major features, y: n arbitrary integer labels. Throws std::runtime_error for features
    // that are NaN or not finite as float32 (as sklearn refuses them).
    void fit(const double* x, int64_t n, int64_t d, const int64_t* y);
    void fit(const std::vector<double>& x, int64_t n, int64_t d, const std::vector<int64_t>& y);

    // Raw scores, n x num_score_columns() (1 column for two classes, K columns for K > 2).
    std::vector<double> decision_function(const double* x, int64_t n) const;
    // Predicted labels (values of classes()).
    std::vector<int64_t> predict(const double* x, int64_t n) const;
    // Fraction of correctly predicted labels.
    double accuracy(const double* x, int64_t n, const int64_t* y) const;

    // Impurity-based importances (sum 1), all zeros if no tree ever split or only one class was seen.
    const std::vector<double>& feature_importances() const { return importances_; }
    const std::vector<int64_t>& classes() const { return classes_; }  // sorted distinct labels
    int num_score_columns() const { return classes_.size() == 2 ? 1 : static_cast<int>(classes_.size()); }
    int64_t num_features() const { return d_; }

    struct Node {
        int32_t left = -1, right = -1;  // -1: leaf
        int32_t feature = -1;
        double threshold = 0.0;  // go left when float(x[feature]) <= threshold
        double value = 0.0;      // leaf output (Newton step)
    };
    using Tree = std::vector<Node>;
    // trees()[stage * num_score_columns() + k]
    const std::vector<Tree>& trees() const { return trees_; }

private:
    GbtOptions opt_;
    int64_t d_ = 0;
    std::vector<int64_t> classes_;
    std::vector<double> init_raw_;  // prior log-odds / log-priors, one per score column
    std::vector<Tree> trees_;
    std::vector<double> importances_;
};

}  // namespace disent::metrics
