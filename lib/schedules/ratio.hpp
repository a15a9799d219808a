#pragma once
// Ratio helpers of the value schedules (spec §9): every value schedule turns the step into a ratio,
// shapes it, and outputs lerp(ratio, v0·r_start, v0·r_end).
#include <string>
#include <vector>

namespace disent::schedules {

// (1 − r')·a + r'·b with r' = clip(r, 0, 1).
double lerp(double r, double a, double b);

// How a ramp rises from 0 to 1; each shaper clips its input to [0, 1] first.
enum class RampMode { Linear, Sigmoid, Cosine };
double shape_linear(double r);   // r
double shape_sigmoid(double r);  // 1 / (1 + exp(−12r + 6)): 0.0025 at 0, 0.9975 at 1
double shape_cosine(double r);   // ½(1 − cos(π r))
double shape(RampMode mode, double r);

// "linear", "sigmoid", "cosine" (the choices of every `mode` parameter).
const std::vector<std::string>& ramp_mode_names();
RampMode parse_ramp_mode(const std::string& name);  // throws UserError for other names

}  // namespace disent::schedules
