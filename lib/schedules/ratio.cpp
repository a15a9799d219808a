#include "schedules/ratio.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace disent::schedules {

namespace {
double clip01(double r) { return std::min(1.0, std::max(0.0, r)); }
}  // namespace

double lerp(double r, double a, double b) {
    const double c = clip01(r);
    return (1.0 - c) * a + c * b;
}

double shape_linear(double r) { return clip01(r); }

double shape_sigmoid(double r) { return 1.0 / (1.0 + std::exp(-12.0 * clip01(r) + 6.0)); }

double shape_cosine(double r) { return 0.5 * (1.0 - std::cos(M_PI * clip01(r))); }

double shape(RampMode mode, double r) {
    switch (mode) {
        case RampMode::Linear: return shape_linear(r);
        case RampMode::Sigmoid: return shape_sigmoid(r);
        case RampMode::Cosine: return shape_cosine(r);
    }
    return shape_linear(r);
}

const std::vector<std::string>& ramp_mode_names() {
    static const std::vector<std::string> names = {"linear", "sigmoid", "cosine"};
    return names;
}

RampMode parse_ramp_mode(const std::string& name) {
    if (name == "linear") return RampMode::Linear;
    if (name == "sigmoid") return RampMode::Sigmoid;
    if (name == "cosine") return RampMode::Cosine;
    throw UserError("unknown ramp mode '" + name + "' (expected linear, sigmoid or cosine)");
}

}  // namespace disent::schedules
