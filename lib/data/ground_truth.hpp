#pragma once
// A ground-truth dataset: a factor state space plus a renderer from index to a uint8 (H, W, C) image.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/state_space.hpp"

namespace disent::data {

class GroundTruthData {
public:
    virtual ~GroundTruthData() = default;
    virtual std::string name() const = 0;
    const StateSpace& states() const { return states_; }
    int height() const { return height_; }
    int width() const { return width_; }
    int channels() const { return channels_; }
    int64_t obs_bytes() const { return static_cast<int64_t>(height_) * width_ * channels_; }
    // Write observation `idx` as uint8 HWC into out[0 .. obs_bytes()).
    virtual void render(int64_t idx, uint8_t* out) const = 0;
    // Per-channel standardisation constants (spec §5.5 / Table A2); empty when the dataset has none.
    const std::vector<double>& norm_mean() const { return mean_; }
    const std::vector<double>& norm_std() const { return std_; }

protected:
    StateSpace states_;
    int height_ = 0, width_ = 0, channels_ = 0;
    std::vector<double> mean_, std_;
};

}  // namespace disent::data
