#pragma once
// Normalisation constants as disent computes them (spec §5.5): images as float in [0, 1];
// mean = average over images of the per-image channel mean, std = average over images of the per-image,
// per-channel UNBIASED std (not the global std of all pixels).
#include <cstdint>
#include <map>
#include <vector>

#include "data/ground_truth.hpp"

namespace disent::data {

struct NormConstants {
    std::vector<double> mean, std;  // one entry per channel
};

// Brute force: render the given indices (all of them when `indices` is empty) and average their per-image
// channel statistics. Exact up to floating-point summation; costs one render per image.
NormConstants image_norm_constants(const GroundTruthData& data, const std::vector<int64_t>& indices = {});

// Statistics of a channel whose pixels are either 0 or `value` (in [0, 1]): `area_hist` maps the number of
// lit pixels A to how many images have that A (weights may be huge, hence long double); `pixels` is the
// channel size H*W. Per image: mean = value*A/n, unbiased std = value*sqrt(A(n-A)/(n(n-1))).
void binary_channel_constants(const std::map<int64_t, long double>& area_hist, int64_t pixels, double value,
                              double& mean, double& std);

}  // namespace disent::data
