#pragma once
// disentanglement_lib fairness.py helper: inter-group unfairness of a prediction count table.
#include <cstdint>
#include <utility>
#include <vector>

namespace disent::metrics {

// counts: groups x target values (row-major). Unfairness of a group = total-variation distance between
// its prediction distribution and the overall one; returns (mean weighted by group size, max).
// Example: [[0,100],[100,100]] -> (2/9, 1/3).
std::pair<double, double> inter_group_fairness(const std::vector<double>& counts, int64_t groups, int64_t values);

}  // namespace disent::metrics
