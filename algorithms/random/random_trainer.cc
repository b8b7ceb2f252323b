#include "algorithms/random/random_trainer.h"

#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>

#include "nas/base/status.h"
#include "nas/core/uniform_sampling.h"
#include "nas/train/classifier_evaluation.h"

namespace nas::random {

absl::Status RandomTrainerOptionsFromJson(const Json& j, const std::string& path,
                                          RandomTrainerOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("lr", &out->lr)
      .Optional("min_lr", &out->min_lr)
      .Optional("momentum", &out->momentum)
      .Optional("weight_decay", &out->weight_decay)
      .Optional("clip_norm", &out->clip_norm)
      .Optional("seed", &out->seed);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->lr <= 0 || out->min_lr < 0 || out->momentum < 0 || out->weight_decay < 0 ||
      out->clip_norm < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": lr must be > 0; min_lr, momentum, weight_decay and clip_norm >= 0"));
  }
  return absl::OkStatus();
}

Json RandomTrainerOptionsToJson(const RandomTrainerOptions& o) {
  return {{"lr", o.lr},
          {"min_lr", o.min_lr},
          {"momentum", o.momentum},
          {"weight_decay", o.weight_decay},
          {"clip_norm", o.clip_norm},
          {"seed", o.seed}};
}

RandomTrainer::RandomTrainer(TrainerOptions trainer_options, RandomTrainerOptions options,
                             BuiltSpace model, BatchSource* train, BatchSource* valid,
                             Distributed* distributed)
    : Trainer(trainer_options, model.model, train, distributed),
      options_(options),
      model_(std::move(model)),
      valid_(valid),
      mutator_(std::make_unique<RandomMutator>(model_.model, options.seed)),
      sgd_(std::make_unique<torch::optim::SGD>(model_.model->parameters(),
                                               torch::optim::SGDOptions(options.lr)
                                                   .momentum(options.momentum)
                                                   .weight_decay(options.weight_decay))) {
  set_mutator(mutator_.get());
  add_optimizer("sgd", sgd_.get(), CosineLr(options.lr, options.min_lr, trainer_options.epochs));
}

Metrics RandomTrainer::train_step(const Batch& batch) {
  mutator_->reset();
  sync_decisions(*mutator_);
  at::Tensor logits;
  {
    auto guard = autocast();
    logits = model_.forward(batch.data);
  }
  at::Tensor loss = torch::nn::functional::cross_entropy(logits.to(at::kFloat), batch.target);
  sgd_->zero_grad();
  backward(loss);
  step(*sgd_, options_.clip_norm);
  double accuracy = (logits.argmax(1) == batch.target).to(at::kFloat).mean().item<double>();
  return {{"loss", loss.item<double>()}, {"accuracy", accuracy}};
}

Metrics RandomTrainer::validate(int64_t epoch) {
  if (valid_ == nullptr) return {};
  // Validation draws paths from its own generator so that it leaves the
  // training sequence of architectures untouched.
  std::mt19937_64 rng(options_.seed ^ (0x5eed0000ULL + static_cast<uint64_t>(epoch)));
  ClassifierScore score = EvaluateClassifier(
      [&](const at::Tensor& x) {
        auto guard = autocast();
        return model_.forward(x.to(device()));
      },
      *valid_, 0,
      [&] { mutator_->set_decisions(SampleUniformDecisions(mutator_->search_space(), rng)); });
  return {{"loss", score.loss}, {"accuracy", score.accuracy}};
}

}  // namespace nas::random
