#include "algorithms/darts/eval_trainer.h"

#include <torch/nn/functional/loss.h>

#include <ATen/ATen.h>

#include "nas/train/classifier_evaluation.h"
#include "nas/train/lr_schedule.h"

namespace nas::darts {

EvalTrainer::EvalTrainer(TrainerOptions trainer_options, EvalTrainerOptions options, DartsNetwork network,
                         BatchSource* train, BatchSource* valid, Distributed* distributed)
    : Trainer(trainer_options, network.ptr(), train, distributed),
      options_(options),
      network_(std::move(network)),
      valid_(valid) {
  sgd_ = std::make_unique<torch::optim::SGD>(
      network_->parameters(),
      torch::optim::SGDOptions(options_.lr).momentum(options_.momentum).weight_decay(options_.weight_decay));
  add_optimizer("sgd", sgd_.get(), CosineLr(options_.lr, 0.0, trainer_options.epochs));
}

Metrics EvalTrainer::train_step(const Batch& batch) {
  const int64_t epochs = std::max<int64_t>(1, options().epochs);
  network_->set_drop_path_prob(options_.drop_path_prob * static_cast<double>(batch.epoch) / epochs);
  at::Tensor logits, aux;
  {
    auto guard = autocast();
    std::tie(logits, aux) = network_->forward_with_aux(batch.data);
  }
  at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
  Metrics metrics;
  if (aux.defined() && options_.auxiliary_weight > 0) {
    at::Tensor aux_loss = torch::nn::functional::cross_entropy(aux.to(at::kFloat), batch.target);
    metrics["aux_loss"] = aux_loss.item<double>();
    loss = loss + options_.auxiliary_weight * aux_loss;
  }
  backward(loss);
  step(*sgd_, options_.grad_clip);
  metrics["loss"] = loss.item<double>();
  metrics["accuracy"] = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  return metrics;
}

Metrics EvalTrainer::validate(int64_t epoch) {
  if (valid_ == nullptr) return {};
  network_->eval();
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) {
        auto guard = autocast();
        return network_->forward(x.to(device()));
      },
      *valid_);
  network_->train();
  return {{"loss", score.loss}, {"accuracy", score.accuracy}};
}

}  // namespace nas::darts
