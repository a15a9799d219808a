#pragma once
// Plain autoencoder (spec §1.2): loss = reconstruction only.
#include "frameworks/framework.hpp"

namespace disent::frameworks {

class Ae : public Framework {
public:
    using Framework::Framework;
    LossTerms training_loss(const std::vector<torch::Tensor>& xs, const std::vector<torch::Tensor>& targets) override;
    std::vector<std::string> term_names() const override { return {"recon_loss"}; }
};

}  // namespace disent::frameworks
