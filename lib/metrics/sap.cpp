#include "metrics/sap.hpp"

#include <linear.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

#include "metrics/discretize.hpp"
#include "metrics/stats.hpp"

namespace disent::metrics {

namespace {

void quiet(const char*) {}

std::mutex& liblinear_mutex() {  // liblinear's dual solver shuffles with the global rand()
    static std::mutex m;
    return m;
}

}  // namespace

double linear_svc_accuracy(const std::vector<double>& x_train, const std::vector<int64_t>& y_train,
                           const std::vector<double>& x_test, const std::vector<int64_t>& y_test, double C) {
    if (x_train.size() != y_train.size() || x_test.size() != y_test.size() || x_train.empty())
        throw std::invalid_argument("linear_svc_accuracy: mismatched or empty inputs");
    const int64_t n = static_cast<int64_t>(x_train.size());
    std::map<int64_t, int64_t> counts;
    for (int64_t y : y_train) ++counts[y];
    if (counts.size() == 1) {  // sklearn refuses a single class; the only sensible prediction is that class
        int64_t ok = 0;
        for (int64_t y : y_test) ok += y == counts.begin()->first;
        return y_test.empty() ? 0.0 : static_cast<double>(ok) / static_cast<double>(y_test.size());
    }
    // Features: {1: x, 2: bias 1.0 (sklearn intercept_scaling=1), end}.
    std::vector<feature_node> nodes(3 * n);
    std::vector<feature_node*> rows(n);
    std::vector<double> y(n);
    for (int64_t i = 0; i < n; ++i) {
        nodes[3 * i] = {1, x_train[i]};
        nodes[3 * i + 1] = {2, 1.0};
        nodes[3 * i + 2] = {-1, 0.0};
        rows[i] = &nodes[3 * i];
        y[i] = static_cast<double>(y_train[i]);
    }
    problem prob{};
    prob.l = static_cast<int>(n);
    prob.n = 2;
    prob.y = y.data();
    prob.x = rows.data();
    prob.bias = 1.0;
    // class_weight="balanced": n / (K * count_c)
    std::vector<int> labels;
    std::vector<double> weights;
    for (const auto& [label, count] : counts) {
        labels.push_back(static_cast<int>(label));
        weights.push_back(static_cast<double>(n) / (static_cast<double>(counts.size()) * static_cast<double>(count)));
    }
    parameter param{};
    param.solver_type = L2R_L2LOSS_SVC_DUAL;
    param.eps = 1e-4;
    param.C = C;
    param.nr_weight = static_cast<int>(labels.size());
    param.weight_label = labels.data();
    param.weight = weights.data();
    param.p = 0.1;
    param.init_sol = nullptr;
    model* m = nullptr;
    {
        std::lock_guard<std::mutex> lock(liblinear_mutex());
        set_print_string_function(&quiet);
        if (const char* err = check_parameter(&prob, &param)) throw std::runtime_error(std::string("liblinear: ") + err);
        std::srand(0);  // deterministic coordinate order
        m = train(&prob, &param);
    }
    int64_t ok = 0;
    feature_node q[3] = {{1, 0.0}, {2, 1.0}, {-1, 0.0}};
    for (size_t i = 0; i < x_test.size(); ++i) {
        q[0].value = x_test[i];
        ok += static_cast<int64_t>(predict(m, q)) == y_test[i];
    }
    free_and_destroy_model(&m);
    return x_test.empty() ? 0.0 : static_cast<double>(ok) / static_cast<double>(x_test.size());
}

std::vector<double> sap_score_matrix(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                                     const Factors& test_factors, bool continuous) {
    if (train_codes.n != train_factors.n || (!continuous && (test_codes.n != test_factors.n || test_codes.z != train_codes.z ||
                                                             test_factors.f != train_factors.f)))
        throw std::invalid_argument("sap: train/test codes and factors do not match in shape");
    const int64_t z = train_codes.z, f = train_factors.f;
    std::vector<double> s(z * f, 0.0);
    for (int64_t i = 0; i < z; ++i) {
        const std::vector<double> mu = column(train_codes, i);
        const std::vector<double> mu_test = continuous ? std::vector<double>{} : column(test_codes, i);
        for (int64_t j = 0; j < f; ++j) {
            const std::vector<int64_t> y = column(train_factors, j);
            if (continuous) {
                std::vector<double> yd(y.begin(), y.end());
                const double n = static_cast<double>(mu.size());
                double mm = 0.0, my = 0.0;
                for (size_t k = 0; k < mu.size(); ++k) mm += mu[k], my += yd[k];
                mm /= n, my /= n;
                double cxy = 0.0, cxx = 0.0, cyy = 0.0;
                for (size_t k = 0; k < mu.size(); ++k) {
                    cxy += (mu[k] - mm) * (yd[k] - my);
                    cxx += (mu[k] - mm) * (mu[k] - mm);
                    cyy += (yd[k] - my) * (yd[k] - my);
                }
                cxy /= n - 1, cxx /= n - 1, cyy /= n - 1;
                s[i * f + j] = cxx > 1e-12 ? cxy * cxy / (cxx * cyy) : 0.0;
            } else {
                s[i * f + j] = linear_svc_accuracy(mu, y, mu_test, column(test_factors, j));
            }
        }
    }
    return s;
}

double sap_from_matrix(const std::vector<double>& s, int64_t z, int64_t f) {
    double total = 0.0;
    for (int64_t j = 0; j < f; ++j) {
        std::vector<double> col(z);
        for (int64_t i = 0; i < z; ++i) col[i] = s[i * f + j];
        std::sort(col.begin(), col.end(), std::greater<double>());
        total += col[0] - (z > 1 ? col[1] : 0.0);
    }
    return total / static_cast<double>(f);
}

MetricResult compute_sap(const Codes& train_codes, const Factors& train_factors, const Codes& test_codes,
                         const Factors& test_factors, bool continuous) {
    const auto s = sap_score_matrix(train_codes, train_factors, test_codes, test_factors, continuous);
    return {{"sap.score", sap_from_matrix(s, train_codes.z, train_factors.f)}};
}

void register_sap(Registry<MetricDef>& registry) {
    ComponentInfo info;
    info.name = "sap";
    info.description = "SAP: mean gap between the two latents that best predict each factor (linear SVM accuracy)";
    info.params = {
        {"num_train", ParamType::Int, "10000", "number of training points", 2.0},
        {"num_test", ParamType::Int, "5000", "number of test points (discrete mode)", 1.0},
        {"batch_size", ParamType::Int, "16", "encoder batch size while sampling", 1.0},
        {"continuous_factors", ParamType::Bool, "false",
         "score with squared correlation instead of LinearSVC(C=0.01, class_weight=balanced) test accuracy"},
    };
    MetricDef def;
    def.fast = {{"num_train", "2000"}, {"num_test", "1000"}};
    def.run = [](const MetricContext& ctx, const Params& p) {
        const TrainTestCodes t = sample_train_test_codes(ctx, p);
        return compute_sap(t.train_codes, t.train_factors, t.test_codes, t.test_factors, p.get_bool("continuous_factors"));
    };
    def.run_codes = [](const StoredCodes& s, const Params& p, uint64_t) {
        const TrainTestCodes t = split_stored_codes(s, p);
        return compute_sap(t.train_codes, t.train_factors, t.test_codes, t.test_factors, p.get_bool("continuous_factors"));
    };
    registry.add(std::move(info), std::move(def));
}

}  // namespace disent::metrics
