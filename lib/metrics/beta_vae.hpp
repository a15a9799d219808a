#pragma once
// BetaVAE score (Higgins et al. 2017; disentanglement_lib beta_vae.py): a LogisticRegression() (see
// logistic.hpp) predicts the fixed factor from the mean absolute difference of pair representations.
#include "metrics/metric.hpp"

namespace disent::metrics {

// Registers "beta_vae": batch_size, num_train, num_eval. Keys beta_vae.train_accuracy, beta_vae.eval_accuracy.
void register_beta_vae(Registry<MetricDef>& registry);

}  // namespace disent::metrics
