#include "data/xysquares_minimal.hpp"

#include <cstring>

namespace disent::data {

XYSquaresMinimalData::XYSquaresMinimalData() {
    states_ = StateSpace({8, 8, 8, 8, 8, 8}, {"x_R", "y_R", "x_G", "y_G", "x_B", "y_B"});
    height_ = width_ = 64;
    channels_ = 3;
    // spec §5.5 table values (1/64 and 1/sqrt(65) up to the last digit)
    mean_ = {0.015625, 0.015625, 0.015625};
    std_ = {0.12403473458920855, 0.12403473458920855, 0.12403473458920855};
}

void XYSquaresMinimalData::render(int64_t idx, uint8_t* out) const {
    int64_t pos[6];
    states_.idx_to_pos(idx, pos);
    std::memset(out, 0, static_cast<size_t>(obs_bytes()));
    for (int i = 0; i < 3; ++i) {
        const int64_t x = 8 * pos[2 * i], y = 8 * pos[2 * i + 1];
        for (int64_t r = y; r < y + 8; ++r)
            for (int64_t c = x; c < x + 8; ++c) out[(r * 64 + c) * 3 + i] = 255;  // channel i only
    }
}

NormConstants XYSquaresMinimalData::compute_constants() const {
    // each channel: 64 lit pixels of 4096 in every image
    NormConstants out;
    double m = 0, sd = 0;
    binary_channel_constants({{64, 1.0L}}, 64 * 64, 1.0, m, sd);
    out.mean.assign(3, m);
    out.std.assign(3, sd);
    return out;
}

}  // namespace disent::data
