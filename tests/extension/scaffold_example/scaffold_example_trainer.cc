#include "tests/extension/scaffold_example/scaffold_example_trainer.h"

#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>

#include "nas/base/status.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::scaffold_example {

absl::Status ScaffoldExampleTrainerOptionsFromJson(const Json& j, const std::string& path,
                                                   ScaffoldExampleTrainerOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("lr", &out->lr)
      .Optional("min_lr", &out->min_lr)
      .Optional("momentum", &out->momentum)
      .Optional("weight_decay", &out->weight_decay)
      .Optional("clip_norm", &out->clip_norm)
      .Optional("seed", &out->seed);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (!(out->lr > 0) || out->min_lr < 0 || out->momentum < 0 || out->weight_decay < 0 ||
      out->clip_norm < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": lr must be > 0; min_lr, momentum, weight_decay and clip_norm >= 0"));
  }
  return absl::OkStatus();
}

Json ScaffoldExampleTrainerOptionsToJson(const ScaffoldExampleTrainerOptions& o) {
  return {{"lr", o.lr},
          {"min_lr", o.min_lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"clip_norm", o.clip_norm},
          {"seed", o.seed}};
}

ScaffoldExampleTrainer::ScaffoldExampleTrainer(TrainerOptions trainer_options,
                                               ScaffoldExampleTrainerOptions options,
                                               BuiltSpace model, BatchSource* train,
                                               BatchSource* valid, Distributed* distributed)
    : Trainer(trainer_options, model.model, train, distributed),
      options_(options),
      model_(std::move(model)),
      valid_(valid),
      mutator_(std::make_unique<ScaffoldExampleMutator>(model_.model, options.seed)),
      sgd_(std::make_unique<torch::optim::SGD>(model_.model->parameters(),
                                               torch::optim::SGDOptions(options.lr)
                                                   .momentum(options.momentum)
                                                   .weight_decay(options.weight_decay))) {
  set_mutator(mutator_.get());  // checkpoints keep its state
  add_optimizer("sgd", sgd_.get(), CosineLr(options.lr, options.min_lr, trainer_options.epochs));
}

Metrics ScaffoldExampleTrainer::train_step(const Batch& batch) {
  mutator_->reset();          // a new architecture for this step
  sync_decisions(*mutator_);  // the same on every rank
  at::Tensor logits;
  {
    auto guard = autocast();  // bf16 / fp16 when asked for
    logits = model_.forward(batch.data);
  }
  at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
  sgd_->zero_grad();
  backward(loss);                   // scaled in fp16
  step(*sgd_, options_.clip_norm);  // averages gradients over ranks, clips, steps
  double accuracy = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  return {{"loss", loss.item<double>()}, {"accuracy", accuracy}};
}

Metrics ScaffoldExampleTrainer::validate(int64_t epoch) {
  if (valid_ == nullptr) return {};
  // One sampled architecture per validation batch. (This moves the
  // mutator's sequence on; a resumed run still repeats it exactly.)
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) {
        auto guard = autocast();
        return model_.forward(x);
      },
      *valid_, 0, [&] { mutator_->reset(); });
  return {{"loss", score.loss}, {"accuracy", score.accuracy}};
}

}  // namespace nas::scaffold_example
