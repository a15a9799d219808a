#pragma once
// Dataset normalisation constants (paper Table A2, reference §2.3): per channel, the mean over images of
// the per-image channel mean, and the mean over images of the per-image UNBIASED (ddof = 1) channel std,
// on [0, 1] values in double precision.
#include <cstdint>
#include <string>
#include <vector>

#include "data/ground_truth.hpp"

namespace disent::analysis {

struct ChannelStats {
    std::vector<double> mean, std;
    int64_t images = 0;
};

// samples <= 0 or >= dataset size: every image; otherwise `samples` seeded uniform indices.
ChannelStats channel_stats(const data::GroundTruthData& ds, int64_t samples = 0, uint64_t seed = 777);

// DIR/stats.csv (channel,mean,std) and DIR/stats.png (a bar chart of the constants).
void write_stats(const std::string& dir, const ChannelStats& s, const std::string& dataset);

}  // namespace disent::analysis
