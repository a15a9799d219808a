#include "metrics/dci.hpp"

#include <cmath>
#include <stdexcept>

#include "metrics/discretize.hpp"
#include "metrics/gbt.hpp"

namespace disent::metrics {

namespace {

// scipy.stats.entropy(p + 1e-11, base): normalise, -sum p log p, divide by log(base).
double smoothed_entropy(const std::vector<double>& p, double base) {
    double total = 0.0;
    for (double v : p) total += v + 1e-11;
    double h = 0.0;
    for (double v : p) {
        const double q = (v + 1e-11) / total;
        if (q > 0.0) h -= q * std::log(q);
    }
    return h / std::log(base);
}

// Shared by D (over rows) and C (over columns): sum_k share_k * (1 - H(k-th slice)).
double weighted_score(const ImportanceMatrix& r, bool rows) {
    const int64_t outer = rows ? r.z : r.f, inner = rows ? r.f : r.z;
    double total = 0.0;
    for (double v : r.values) total += v;
    const bool all_zero = total == 0.0;  // weights from an all-ones matrix instead
    if (all_zero) total = static_cast<double>(r.z * r.f);
    double score = 0.0;
    std::vector<double> slice(inner);
    for (int64_t a = 0; a < outer; ++a) {
        double mass = 0.0;
        for (int64_t b = 0; b < inner; ++b) {
            slice[b] = rows ? r.at(a, b) : r.at(b, a);
            mass += all_zero ? 1.0 : slice[b];
        }
        score += (1.0 - smoothed_entropy(slice, static_cast<double>(inner))) * (mass / total);
    }
    return score;
}

void check_shape(const ImportanceMatrix& r) {
    if (r.z < 1 || r.f < 1 || static_cast<int64_t>(r.values.size()) != r.z * r.f)
        throw std::invalid_argument("dci: importance matrix shape does not match its values");
}

}  // namespace

double dci_disentanglement(const ImportanceMatrix& r) {
    check_shape(r);
    return weighted_score(r, true);
}

double dci_completeness(const ImportanceMatrix& r) {
    check_shape(r);
    return weighted_score(r, false);
}

GbtImportance compute_importance_gbt(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                                     const Factors& test_factors, uint64_t seed) {
    if (train_codes.n != train_factors.n || test_codes.n != test_factors.n || train_codes.z != test_codes.z ||
        train_factors.f != test_factors.f)
        throw std::invalid_argument("dci: train/test codes and factors do not match in shape");
    GbtImportance out;
    out.importance.z = train_codes.z;
    out.importance.f = train_factors.f;
    out.importance.values.assign(train_codes.z * train_factors.f, 0.0);
    for (int64_t j = 0; j < train_factors.f; ++j) {
        GbtOptions opt;
        opt.seed = derive_seed(seed, static_cast<uint64_t>(j));
        GradientBoostingClassifier model(opt);
        const std::vector<int64_t> y_train = column(train_factors, j), y_test = column(test_factors, j);
        model.fit(train_codes.values, train_codes.n, train_codes.z, y_train);
        for (int64_t z = 0; z < train_codes.z; ++z)
            out.importance.values[z * out.importance.f + j] = std::abs(model.feature_importances()[z]);
        out.accuracy_train += model.accuracy(train_codes.values.data(), train_codes.n, y_train.data());
        out.accuracy_test += model.accuracy(test_codes.values.data(), test_codes.n, y_test.data());
    }
    out.accuracy_train /= static_cast<double>(train_factors.f);
    out.accuracy_test /= static_cast<double>(train_factors.f);
    return out;
}

MetricResult compute_dci(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                         const Factors& test_factors, uint64_t seed) {
    const GbtImportance g = compute_importance_gbt(train_codes, train_factors, test_codes, test_factors, seed);
    return {
        {"dci.disentanglement", dci_disentanglement(g.importance)},
        {"dci.completeness", dci_completeness(g.importance)},
        {"dci.informativeness_train", g.accuracy_train},
        {"dci.informativeness_test", g.accuracy_test},
    };
}

void register_dci(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "dci";
    info.description = "DCI disentanglement/completeness/informativeness from gradient-boosted-tree importances";
    info.params = {
        {"num_train", ParamType::Int, "10000", "number of training points for the classifiers", 2.0},
        {"num_test", ParamType::Int, "5000", "number of held-out points for informativeness_test", 1.0},
        {"batch_size", ParamType::Int, "16", "encoder batch size while sampling", 1.0},
        {"boost_mode", ParamType::String, "sklearn",
         "classifier: scikit-learn GradientBoostingClassifier() emulation (xgboost/lightgbm not supported)",
         std::nullopt, std::nullopt, {"sklearn"}},
    };
    MetricDef def;
    def.fast = {{"num_train", "1000"}, {"num_test", "500"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        // Independent train and test samplings, and a separate stream for the classifiers.
        const TrainTestCodes t = sample_train_test_codes(ctx, p);
        return compute_dci(t.train_codes, t.train_factors, t.test_codes, t.test_factors, derive_seed(ctx.seed, 3));
    };
    def.run_codes = [](const StoredCodes& s, const Params& p, uint64_t seed) {
        const TrainTestCodes t = split_stored_codes(s, p);
        return compute_dci(t.train_codes, t.train_factors, t.test_codes, t.test_factors, derive_seed(seed, 3));
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
