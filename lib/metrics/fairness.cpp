#include "metrics/fairness.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace disent::metrics {

std::pair<double, double> inter_group_fairness(const std::vector<double>& counts, int64_t groups, int64_t values) {
    if (groups < 1 || values < 1 || static_cast<int64_t>(counts.size()) != groups * values)
        throw std::invalid_argument("inter_group_fairness: counts do not match groups x values");
    std::vector<double> overall(values, 0.0), group_size(groups, 0.0);
    double total = 0.0;
    for (int64_t g = 0; g < groups; ++g)
        for (int64_t v = 0; v < values; ++v) {
            overall[v] += counts[g * values + v];
            group_size[g] += counts[g * values + v];
            total += counts[g * values + v];
        }
    if (total <= 0.0) throw std::invalid_argument("inter_group_fairness: no counts");
    for (auto& o : overall) o /= total;
    double mean = 0.0, mx = 0.0;
    for (int64_t g = 0; g < groups; ++g) {
        const double norm = group_size[g] == 0.0 ? 1.0 : group_size[g];
        double tv = 0.0;
        for (int64_t v = 0; v < values; ++v) tv += std::abs(counts[g * values + v] / norm - overall[v]);
        tv *= 0.5;
        mean += tv * group_size[g] / total;
        mx = std::max(mx, tv);
    }
    return {mean, mx};
}

}  // namespace disent::metrics
