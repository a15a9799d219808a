// ctest runs every test in its own process: register the built-in metrics before any test of this
// executable looks one up by name (registration is explicit, never a static initialiser of the library).
#include <gtest/gtest.h>

#include "metrics/metric.hpp"

namespace {

class RegisterMetrics : public ::testing::Environment {
public:
    void SetUp() override { disent::metrics::register_all(); }
};

// gtest takes ownership of the environment
const ::testing::Environment* const kRegistered = ::testing::AddGlobalTestEnvironment(new RegisterMetrics);

}  // namespace
