// EvalTrainer: ClassifierTrainer with DARTS's auxiliary loss and drop-path
// ramp (eval_trainer.h).
#include "algorithms/darts/eval_trainer.h"

#include <torch/nn/functional/loss.h>

#include <algorithm>
#include <tuple>
#include <utility>

namespace nas::darts {

ClassifierTrainerOptions EvalTrainerOptions::classifier() const {
  ClassifierTrainerOptions o;
  o.lr = lr;
  o.min_lr = 0;
  o.schedule = "cosine";
  o.momentum = momentum;
  o.nesterov = false;
  o.weight_decay = weight_decay;
  o.decay_conv_only = false;
  o.grad_clip = grad_clip;
  o.label_smoothing = 0;
  return o;
}

EvalTrainer::EvalTrainer(TrainerOptions trainer_options, EvalTrainerOptions options,
                         DartsNetwork network, BatchSource* train, BatchSource* valid,
                         Distributed* distributed)
    : ClassifierTrainer(trainer_options, options.classifier(), DartsBuiltSpace(network), train,
                        valid, distributed),
      options_(options),
      network_(std::move(network)) {}

at::Tensor EvalTrainer::loss(const Batch& batch, at::Tensor* logits) {
  const int64_t epochs = std::max<int64_t>(1, options().epochs);
  network_->set_drop_path_prob(options_.drop_path_prob * static_cast<double>(batch.epoch) / epochs);
  at::Tensor aux;
  std::tie(*logits, aux) = network_->forward_with_aux(batch.data);
  at::Tensor loss = torch::nn::functional::cross_entropy(logits->to(at::kFloat), batch.target);
  aux_loss_ = -1;
  if (aux.defined() && options_.auxiliary_weight > 0) {
    at::Tensor aux_loss = torch::nn::functional::cross_entropy(aux.to(at::kFloat), batch.target);
    aux_loss_ = aux_loss.item<double>();
    loss = loss + options_.auxiliary_weight * aux_loss;
  }
  return loss;
}

Metrics EvalTrainer::train_step(const Batch& batch) {
  Metrics metrics = ClassifierTrainer::train_step(batch);
  if (aux_loss_ >= 0) metrics["aux_loss"] = aux_loss_;
  return metrics;
}

}  // namespace nas::darts
