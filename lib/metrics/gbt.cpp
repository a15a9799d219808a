#include "metrics/gbt.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"

namespace disent::metrics {

namespace {

constexpr double kFeatureThreshold = 1e-7;  // sklearn: values closer than this are not split apart

// Builds sklearn-style "best splitter" regression trees on a fixed float32 feature matrix. Each
// feature's sample order is sorted once per fit; a tree works on a copy that is stably partitioned
// at each split, so every node is a contiguous range [start, end) that is sorted in every feature.
class TreeBuilder {
public:
    TreeBuilder(const std::vector<float>& xcol, int64_t n, int64_t d, const GbtOptions& opt)
        : n_(n), d_(d), opt_(opt), xcol_(xcol) {
        sorted_idx_.resize(n * d);
        sorted_val_.resize(n * d);
        std::vector<int32_t> order(n);
        for (int64_t f = 0; f < d; ++f) {
            const float* col = &xcol_[f * n];
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [col](int32_t a, int32_t b) { return col[a] < col[b]; });
            for (int64_t i = 0; i < n; ++i) {
                sorted_idx_[f * n + i] = order[i];
                sorted_val_[f * n + i] = col[order[i]];
            }
        }
        idx_.resize(n * d);
        val_.resize(n * d);
        tmp_idx_.resize(n);
        tmp_val_.resize(n);
        go_left_.resize(n);
        leaf_of_.resize(n);
    }

    // Fit one tree to residuals `r`; per-tree unnormalised importances are added to `importance`
    // (if the tree has a split). Leaf values are left 0; leaf_of() tells each sample's leaf.
    GradientBoostingClassifier::Tree build(const std::vector<double>& r, Rng& rng, std::vector<double>& importance,
                                           bool& has_split) {
        std::copy(sorted_idx_.begin(), sorted_idx_.end(), idx_.begin());
        std::copy(sorted_val_.begin(), sorted_val_.end(), val_.begin());
        GradientBoostingClassifier::Tree tree;
        std::vector<double> node_impurity, node_weight;

        struct Item {
            int64_t start, end;
            int depth;
            int32_t parent;
            bool is_left;
            double impurity;
            int64_t member_feature;  // a feature whose buffer holds exactly this node's samples in [start, end)
        };
        // Root impurity (MSE of the residuals).
        double sum = 0.0, sq = 0.0;
        for (int64_t i = 0; i < n_; ++i) {
            sum += r[i];
            sq += r[i] * r[i];
        }
        std::vector<Item> stack{{0, n_, 0, -1, false, sq / n_ - (sum / n_) * (sum / n_), 0}};
        std::vector<double> tree_importance(d_, 0.0);

        while (!stack.empty()) {
            Item it = stack.back();
            stack.pop_back();
            const int64_t count = it.end - it.start;
            bool is_leaf = it.depth >= opt_.max_depth || count < opt_.min_samples_split ||
                           count < 2 * opt_.min_samples_leaf || it.impurity <= DBL_EPSILON;
            Split split;
            if (!is_leaf) {
                split = find_split(it.start, it.end, r, rng);
                is_leaf = split.pos >= it.end || split.improvement + DBL_EPSILON < 0.0;
            }
            const int32_t id = static_cast<int32_t>(tree.size());
            tree.emplace_back();
            node_impurity.push_back(it.impurity);
            node_weight.push_back(static_cast<double>(count));
            if (it.parent >= 0) (it.is_left ? tree[it.parent].left : tree[it.parent].right) = id;

            if (is_leaf) {
                const int32_t* members = &idx_[it.member_feature * n_];
                for (int64_t p = it.start; p < it.end; ++p) leaf_of_[members[p]] = id;
                continue;
            }
            tree[id].feature = static_cast<int32_t>(split.feature);
            tree[id].threshold = split.threshold;
            const int child_depth = it.depth + 1;
            // Children at max depth are leaves: their members are read from the split feature's buffer,
            // so the other features need no partitioning.
            int64_t member = split.feature;
            if (child_depth < opt_.max_depth) {
                partition(it.start, it.end, split.pos, split.feature);
                member = 0;
            }
            // Depth-first, left child first (pushed last).
            stack.push_back({split.pos, it.end, child_depth, id, false, split.impurity_right, member});
            stack.push_back({it.start, split.pos, child_depth, id, true, split.impurity_left, member});
        }

        has_split = tree.size() > 1;
        if (has_split) {
            for (size_t i = 0; i < tree.size(); ++i) {
                const auto& node = tree[i];
                if (node.left < 0) continue;
                tree_importance[node.feature] += node_weight[i] * node_impurity[i] -
                                                 node_weight[node.left] * node_impurity[node.left] -
                                                 node_weight[node.right] * node_impurity[node.right];
            }
            for (int64_t f = 0; f < d_; ++f) importance[f] += tree_importance[f] / node_weight[0];
        }
        return tree;
    }

    const std::vector<int32_t>& leaf_of() const { return leaf_of_; }

private:
    struct Split {
        int64_t feature = -1;
        int64_t pos = std::numeric_limits<int64_t>::max();
        double threshold = 0.0;
        double improvement = -std::numeric_limits<double>::infinity();
        double impurity_left = 0.0, impurity_right = 0.0;
    };

    // sklearn BestSplitter + FriedmanMSE: maximise the proxy (w_r*s_l - w_l*s_r)^2 / (w_l*w_r) over the
    // midpoints between distinct consecutive values; features are visited in a random order and the
    // first strictly better split wins.
    Split find_split(int64_t start, int64_t end, const std::vector<double>& r, Rng& rng) {
        const int32_t* members = &idx_[start];  // feature 0 buffer
        double sum_total = 0.0, sq_total = 0.0;
        for (int64_t p = 0; p < end - start; ++p) {
            const double y = r[members[p]];
            sum_total += y;
            sq_total += y * y;
        }
        feature_order_.resize(d_);
        std::iota(feature_order_.begin(), feature_order_.end(), 0);
        for (int64_t i = d_ - 1; i > 0; --i) std::swap(feature_order_[i], feature_order_[rng.uniform_int(0, i)]);

        Split best;
        best.pos = end;
        double best_proxy = -std::numeric_limits<double>::infinity();
        const double w = static_cast<double>(end - start);
        for (int64_t f : feature_order_) {
            const float* v = &val_[f * n_];
            const int32_t* ix = &idx_[f * n_];
            if (static_cast<double>(v[end - 1]) <= static_cast<double>(v[start]) + kFeatureThreshold) continue;
            double sum_left = 0.0;
            for (int64_t p = start + 1; p < end; ++p) {
                sum_left += r[ix[p - 1]];
                if (static_cast<double>(v[p]) <= static_cast<double>(v[p - 1]) + kFeatureThreshold) continue;
                const double wl = static_cast<double>(p - start), wr = static_cast<double>(end - p);
                if (wl < opt_.min_samples_leaf || wr < opt_.min_samples_leaf) continue;
                const double sum_right = sum_total - sum_left;
                const double diff = wr * sum_left - wl * sum_right;
                const double proxy = diff * diff / (wl * wr);
                if (proxy > best_proxy) {
                    best_proxy = proxy;
                    best.feature = f;
                    best.pos = p;
                    double t = v[p - 1] / 2.0 + v[p] / 2.0;  // half-sums avoid overflow
                    if (t == static_cast<double>(v[p]) || std::isinf(t)) t = v[p - 1];
                    best.threshold = t;
                }
            }
        }
        if (best.pos >= end) return best;

        // Children impurities (MSE) and the Friedman improvement of the chosen split.
        const int32_t* ix = &idx_[best.feature * n_];
        double sum_left = 0.0, sq_left = 0.0;
        for (int64_t p = start; p < best.pos; ++p) {
            const double y = r[ix[p]];
            sum_left += y;
            sq_left += y * y;
        }
        const double sum_right = sum_total - sum_left, sq_right = sq_total - sq_left;
        const double wl = static_cast<double>(best.pos - start), wr = static_cast<double>(end - best.pos);
        best.impurity_left = sq_left / wl - (sum_left / wl) * (sum_left / wl);
        best.impurity_right = sq_right / wr - (sum_right / wr) * (sum_right / wr);
        const double diff = wr * sum_left - wl * sum_right;
        best.improvement = diff * diff / (wl * wr * w);
        return best;
    }

    // Stable partition of every feature's [start, end) into the left child's samples then the right's.
    void partition(int64_t start, int64_t end, int64_t pos, int64_t split_feature) {
        const int32_t* ix = &idx_[split_feature * n_];
        for (int64_t p = start; p < end; ++p) go_left_[ix[p]] = p < pos;
        for (int64_t f = 0; f < d_; ++f) {
            if (f == split_feature) continue;  // already ordered left | right
            int32_t* fi = &idx_[f * n_];
            float* fv = &val_[f * n_];
            int64_t l = start, rcount = 0;
            for (int64_t p = start; p < end; ++p) {
                if (go_left_[fi[p]]) {
                    fi[l] = fi[p];
                    fv[l] = fv[p];
                    ++l;
                } else {
                    tmp_idx_[rcount] = fi[p];
                    tmp_val_[rcount] = fv[p];
                    ++rcount;
                }
            }
            std::copy(tmp_idx_.begin(), tmp_idx_.begin() + rcount, fi + l);
            std::copy(tmp_val_.begin(), tmp_val_.begin() + rcount, fv + l);
        }
    }

    int64_t n_, d_;
    GbtOptions opt_;
    const std::vector<float>& xcol_;  // column-major float32 features
    std::vector<int32_t> sorted_idx_, idx_, tmp_idx_;
    std::vector<float> sorted_val_, val_, tmp_val_;
    std::vector<uint8_t> go_left_;
    std::vector<int32_t> leaf_of_;
    std::vector<int64_t> feature_order_;
};

double expit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

void GradientBoostingClassifier::fit(const std::vector<double>& x, int64_t n, int64_t d, const std::vector<int64_t>& y) {
    if (static_cast<int64_t>(x.size()) != n * d || static_cast<int64_t>(y.size()) != n)
        throw std::invalid_argument("GradientBoostingClassifier::fit: sizes do not match n x d");
    fit(x.data(), n, d, y.data());
}

void GradientBoostingClassifier::fit(const double* x, int64_t n, int64_t d, const int64_t* y) {
    if (n < 1 || d < 1) throw std::invalid_argument("GradientBoostingClassifier::fit: empty data");
    if (n > std::numeric_limits<int32_t>::max()) throw std::invalid_argument("GradientBoostingClassifier::fit: too many samples");
    d_ = d;
    trees_.clear();
    importances_.assign(d, 0.0);
    classes_.assign(y, y + n);
    std::sort(classes_.begin(), classes_.end());
    classes_.erase(std::unique(classes_.begin(), classes_.end()), classes_.end());
    const int64_t num_classes = static_cast<int64_t>(classes_.size());
    if (num_classes < 2) {  // sklearn refuses to fit; we predict the only class and report no importance
        init_raw_.assign(1, 0.0);
        return;
    }
    std::vector<int64_t> label(n);
    std::vector<double> prior(num_classes, 0.0);
    for (int64_t i = 0; i < n; ++i) {
        label[i] = std::lower_bound(classes_.begin(), classes_.end(), y[i]) - classes_.begin();
        prior[label[i]] += 1.0;
    }
    // DummyClassifier(strategy="prior"), clipped to float32 eps as sklearn does.
    const double eps = std::numeric_limits<float>::epsilon();
    for (double& p : prior) p = std::clamp(p / n, eps, 1.0 - eps);
    const int cols = num_score_columns();
    if (cols == 1) {
        init_raw_ = {std::log(prior[1] / (1.0 - prior[1]))};
    } else {
        init_raw_.resize(cols);
        for (int k = 0; k < cols; ++k) init_raw_[k] = std::log(prior[k]);
    }

    std::vector<float> xcol(n * d);  // column-major float32, like sklearn's DTYPE
    for (int64_t i = 0; i < n; ++i)
        for (int64_t f = 0; f < d; ++f) {
            xcol[f * n + i] = static_cast<float>(x[i * d + f]);
            // sklearn rejects these too (and NaN would break the sort order).
            if (!std::isfinite(xcol[f * n + i]))
                throw std::runtime_error("GradientBoostingClassifier: features contain NaN or values too large for float32");
        }
    TreeBuilder builder(xcol, n, d, opt_);
    Rng rng(opt_.seed);

    std::vector<double> raw(n * cols), raw_prev, lse(n), residual(n), target(n);
    for (int64_t i = 0; i < n; ++i)
        for (int k = 0; k < cols; ++k) raw[i * cols + k] = init_raw_[k];
    std::vector<double> importance_sum(d, 0.0);
    int64_t relevant_trees = 0;
    trees_.reserve(static_cast<size_t>(opt_.n_estimators) * cols);

    for (int stage = 0; stage < opt_.n_estimators; ++stage) {
        raw_prev = raw;  // every tree of a stage sees the gradient at the previous stage
        if (cols > 1) {
            for (int64_t i = 0; i < n; ++i) {  // scipy logsumexp
                const double* row = &raw_prev[i * cols];
                const double m = *std::max_element(row, row + cols);
                double s = 0.0;
                for (int k = 0; k < cols; ++k) s += std::exp(row[k] - m);
                lse[i] = std::log(s) + m;
            }
        }
        for (int k = 0; k < cols; ++k) {
            for (int64_t i = 0; i < n; ++i) {
                if (cols == 1) {
                    target[i] = static_cast<double>(label[i]);
                    residual[i] = target[i] - expit(raw_prev[i]);
                } else {
                    target[i] = label[i] == k ? 1.0 : 0.0;
                    residual[i] = target[i] - std::exp(raw_prev[i * cols + k] - lse[i]);
                }
            }
            bool has_split = false;
            Tree tree = builder.build(residual, rng, importance_sum, has_split);
            relevant_trees += has_split;
            // Newton step per leaf: sum(residual) / sum(p (1 - p)), scaled by (K-1)/K for K > 2 classes.
            std::vector<double> num(tree.size(), 0.0), den(tree.size(), 0.0);
            const std::vector<int32_t>& leaf = builder.leaf_of();
            for (int64_t i = 0; i < n; ++i) {
                num[leaf[i]] += residual[i];
                den[leaf[i]] += (target[i] - residual[i]) * (1.0 - target[i] + residual[i]);
            }
            for (size_t node = 0; node < tree.size(); ++node) {
                if (tree[node].left >= 0) continue;
                double numerator = num[node];
                if (cols > 1) numerator *= static_cast<double>(num_classes - 1) / static_cast<double>(num_classes);
                tree[node].value = std::abs(den[node]) < 1e-150 ? 0.0 : numerator / den[node];
            }
            for (int64_t i = 0; i < n; ++i) raw[i * cols + k] += opt_.learning_rate * tree[leaf[i]].value;
            trees_.push_back(std::move(tree));
        }
    }

    // sklearn: mean of per-tree importances over trees that split, normalised to sum 1.
    if (relevant_trees > 0) {
        double total = 0.0;
        for (double& v : importance_sum) {
            v /= static_cast<double>(relevant_trees);
            total += v;
        }
        // sklearn would divide 0/0 here (NaN); all splits without gain is reported as no importance.
        if (total > 0.0)
            for (int64_t f = 0; f < d; ++f) importances_[f] = importance_sum[f] / total;
    }
}

std::vector<double> GradientBoostingClassifier::decision_function(const double* x, int64_t n) const {
    const int cols = num_score_columns();
    std::vector<double> raw(n * cols);
    std::vector<float> row(d_);
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t f = 0; f < d_; ++f) row[f] = static_cast<float>(x[i * d_ + f]);
        for (int k = 0; k < cols; ++k) raw[i * cols + k] = init_raw_[k];
        for (size_t t = 0; t < trees_.size(); ++t) {
            const Tree& tree = trees_[t];
            int32_t node = 0;
            while (tree[node].left >= 0)
                node = static_cast<double>(row[tree[node].feature]) <= tree[node].threshold ? tree[node].left
                                                                                             : tree[node].right;
            raw[i * cols + static_cast<int64_t>(t % cols)] += opt_.learning_rate * tree[node].value;
        }
    }
    return raw;
}

std::vector<int64_t> GradientBoostingClassifier::predict(const double* x, int64_t n) const {
    if (classes_.empty()) throw std::logic_error("GradientBoostingClassifier::predict before fit");
    std::vector<int64_t> out(n, classes_[0]);
    if (classes_.size() < 2) return out;
    const int cols = num_score_columns();
    const std::vector<double> raw = decision_function(x, n);
    for (int64_t i = 0; i < n; ++i) {
        if (cols == 1) {  // argmax of [1 - p, p]: ties go to the first class
            const double p = expit(raw[i]);
            out[i] = classes_[p > 1.0 - p ? 1 : 0];
        } else {  // argmax of the softmax probabilities (first maximum wins)
            const double* r = &raw[i * cols];
            const double m = *std::max_element(r, r + cols);
            double s = 0.0;
            for (int k = 0; k < cols; ++k) s += std::exp(r[k] - m);
            const double lse = std::log(s) + m;
            int best = 0;
            double best_p = -1.0;
            for (int k = 0; k < cols; ++k) {
                const double p = std::exp(r[k] - lse);
                if (p > best_p) {
                    best_p = p;
                    best = k;
                }
            }
            out[i] = classes_[best];
        }
    }
    return out;
}

double GradientBoostingClassifier::accuracy(const double* x, int64_t n, const int64_t* y) const {
    if (n == 0) return 0.0;
    const std::vector<int64_t> pred = predict(x, n);
    int64_t correct = 0;
    for (int64_t i = 0; i < n; ++i) correct += pred[i] == y[i];
    return static_cast<double>(correct) / static_cast<double>(n);
}

}  // namespace disent::metrics
