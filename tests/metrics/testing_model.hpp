#pragma once
// disentanglement_lib's IdentityObservationsData as a MetricContext: 10 factors x 10 values, the
// observation is the factor vector; the representation is the identity, all zeros or duplicated.
#include <string>

#include "data/state_space.hpp"
#include "metrics/metric.hpp"

namespace disent::metrics::testing {

struct IdentityModel {
    enum class Rep { Identity, Zeros, Duplicated };
    data::StateSpace states;
    Rep rep;
    explicit IdentityModel(Rep r = Rep::Identity, int64_t factors = 10, int64_t values = 10)
        : states(std::vector<int64_t>(factors, values), {}), rep(r) {}
    MetricContext context(uint64_t seed, bool with_observations = false) const {
        MetricContext ctx;
        ctx.states = &states;
        const int64_t f = states.num_factors();
        ctx.z_size = rep == Rep::Duplicated ? 2 * f : f;
        ctx.seed = seed;
        const IdentityModel* self = this;
        ctx.encode = [self, f](const std::vector<int64_t>& idx) {
            std::vector<double> out;
            out.reserve(idx.size() * (self->rep == Rep::Duplicated ? 2 * f : f));
            for (int64_t i : idx) {
                const auto pos = self->states.idx_to_pos(i);
                for (int copy = 0; copy < (self->rep == Rep::Duplicated ? 2 : 1); ++copy)
                    for (int64_t v : pos) out.push_back(self->rep == Rep::Zeros ? 0.0 : static_cast<double>(v));
            }
            return out;
        };
        if (with_observations)
            ctx.observe = [self](const std::vector<int64_t>& idx) {
                std::vector<float> out;
                for (int64_t i : idx)
                    for (int64_t v : self->states.idx_to_pos(i)) out.push_back(static_cast<float>(v));
                return out;
            };
        return ctx;
    }
};

}  // namespace disent::metrics::testing
