#include "metrics/modularity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "metrics/discretize.hpp"
#include "metrics/logistic.hpp"
#include "metrics/stats.hpp"

namespace disent::metrics {

double modularity_from_mi(const std::vector<double>& m, int64_t z, int64_t f) {
    if (z < 1 || f < 1 || static_cast<int64_t>(m.size()) != z * f) throw std::invalid_argument("modularity: bad MI matrix shape");
    double total = 0.0;
    for (int64_t i = 0; i < z; ++i) {
        double sum = 0.0, mx = 0.0;
        for (int64_t j = 0; j < f; ++j) {
            const double sq = m[i * f + j] * m[i * f + j];
            sum += sq;
            mx = std::max(mx, sq);
        }
        total += mx == 0.0 ? 0.0 : 1.0 - (sum - mx) / (mx * (static_cast<double>(f) - 1.0));
    }
    return total / static_cast<double>(z);
}

namespace {

double macro_auc(const LogisticRegression& clf, const Codes& codes, const std::vector<int64_t>& y) {
    const std::vector<double> proba = clf.predict_proba(codes.values.data(), codes.n);
    const auto& classes = clf.classes();
    const int64_t k = static_cast<int64_t>(classes.size());
    double total = 0.0;
    int used = 0;
    for (int64_t c = 0; c < k; ++c) {
        std::vector<int> pos(codes.n);
        std::vector<double> score(codes.n);
        for (int64_t i = 0; i < codes.n; ++i) {
            pos[i] = y[i] == classes[c];
            score[i] = proba[i * k + c];
        }
        const double auc = roc_auc(pos, score);
        if (std::isnan(auc)) continue;
        total += auc;
        ++used;
    }
    return used ? total / used : std::nan("");
}

}  // namespace

std::pair<double, double> explicitness_per_factor(const Codes& train_codes, const std::vector<int64_t>& y_train,
                                                  const Codes& test_codes, const std::vector<int64_t>& y_test) {
    LogisticRegression clf;
    clf.fit(train_codes.values.data(), train_codes.n, train_codes.z, y_train.data());
    return {macro_auc(clf, train_codes, y_train), macro_auc(clf, test_codes, y_test)};
}

MetricResult compute_modularity(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                                const Factors& test_factors, bool explicitness) {
    const Factors disc = histogram_discretize(train_codes, 20);
    MetricResult r;
    r["modularity.modularity_score"] = modularity_from_mi(discrete_mutual_info(disc, train_factors), train_codes.z, train_factors.f);
    if (!explicitness) return r;
    const std::vector<double> mean = column_means(train_codes);
    std::vector<double> sd = column_stds(train_codes);
    for (auto& v : sd)
        if (v == 0.0) v = 1.0;
    auto normalise = [&](const Codes& c) {
        Codes o = c;
        for (int64_t i = 0; i < c.n; ++i)
            for (int64_t j = 0; j < c.z; ++j) o.values[i * c.z + j] = (c.at(i, j) - mean[j]) / sd[j];
        return o;
    };
    const Codes tn = normalise(train_codes), sn = normalise(test_codes);
    double tr = 0.0, te = 0.0;
    for (int64_t j = 0; j < train_factors.f; ++j) {
        auto [a, b] = explicitness_per_factor(tn, column(train_factors, j), sn, column(test_factors, j));
        tr += a;
        te += b;
    }
    r["modularity.explicitness_score_train"] = tr / static_cast<double>(train_factors.f);
    r["modularity.explicitness_score_test"] = te / static_cast<double>(train_factors.f);
    return r;
}

void register_modularity(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "modularity";
    info.description = "modularity (MI of discretised latents) and explicitness (logistic-regression ROC AUC), after Ridgeway & Zemel";
    info.params = {
        {"num_train", ParamType::Int, "10000", "number of training points", 2.0},
        {"num_test", ParamType::Int, "5000", "number of test points (explicitness_score_test)", 1.0},
        {"batch_size", ParamType::Int, "16", "encoder batch size while sampling", 1.0},
    };
    MetricDef def;
    def.fast = {{"num_train", "2000"}, {"num_test", "1000"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        const TrainTestCodes t = sample_train_test_codes(ctx, p);
        return compute_modularity(t.train_codes, t.train_factors, t.test_codes, t.test_factors);
    };
    def.run_codes = [](const StoredCodes& s, const Params& p, uint64_t) {
        const TrainTestCodes t = split_stored_codes(s, p);
        return compute_modularity(t.train_codes, t.train_factors, t.test_codes, t.test_factors);
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
